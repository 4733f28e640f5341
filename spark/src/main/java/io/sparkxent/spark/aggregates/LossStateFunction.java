package io.sparkxent.spark.aggregates;

import io.sparkxent.math.LossState;
import io.sparkxent.spark.FunctionExample;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code loss_state(loss [, weight])}: the exact state itself, as canonical bytes (equal states,
 * equal bytes), to store beside daily metrics and merge later ({@link LossMergeFunction}) into
 * weekly figures with the same bits as a scan of the week's rows. {@code loss_mean_state} keeps the
 * state {@code loss_mean} keeps, without the exact sums of squares the spread needs: half the exact
 * additions per weighted row, for roll-ups of sums and means ({@code loss_state_stats} reads it with
 * stddev and stderr NULL; {@code loss_merge} does not mix the two kinds).
 *
 * <p>{@code SELECT day, model, loss_state(bce_logits(label, logit)) AS state FROM preds GROUP BY day, model}
 */
public final class LossStateFunction extends LossAggregateFunction<byte[]> {
  public static final String NAME = "loss_state";
  public static final String MEAN_NAME = "loss_mean_state";

  private final boolean spread;

  private LossStateFunction(String name, boolean spread) {
    super(name);
    this.spread = spread;
  }

  /** {@code loss_state}: with the sums of squares. */
  public static LossStateFunction withSpread() {
    return new LossStateFunction(NAME, true);
  }

  /** {@code loss_mean_state}: without them. */
  public static LossStateFunction meanOnly() {
    return new LossStateFunction(MEAN_NAME, false);
  }

  @Override
  public String summary() {
    return spread
        ? "the exact state of the loss column (row count, exact sums of weights, losses and their"
            + " squares, extremes) as canonical bytes: merge states with loss_merge, read them with"
            + " loss_state_stats; the same bits as aggregating the rows at once. No rows: the empty state."
        : "the exact state loss_mean keeps (row count, exact sums of weights and losses, extremes) as"
            + " canonical bytes, without loss_state's sums of squares: half the work per weighted row. Merge"
            + " with loss_merge (not with loss_state values), read with loss_state_stats (stddev and stderr NULL).";
  }

  @Override
  public List<FunctionExample> examples() {
    return spread
        ? List.of(
            new FunctionExample("SELECT loss_state_stats(loss_state(x)).mean FROM VALUES (1), (2), (3), (4) AS t(x)", "2.5"),
            new FunctionExample("SELECT length(loss_state(x)) > 0 FROM VALUES (1) AS t(x)", "true"))
        : List.of(new FunctionExample(
            "SELECT loss_state_stats(loss_mean_state(x, w)).mean FROM VALUES (0.5, 3), (0.25, 1) AS t(x, w)", "0.4375"));
  }

  @Override
  boolean needsSpread() {
    return spread;
  }

  @Override
  DataType resultType() {
    return DataTypes.BinaryType;
  }

  @Override
  byte[] result(LossState state) {
    return state.toBytes();
  }
}
