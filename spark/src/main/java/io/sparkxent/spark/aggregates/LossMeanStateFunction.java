package io.sparkxent.spark.aggregates;

import io.sparkxent.math.LossState;
import io.sparkxent.spark.FunctionExample;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code loss_mean_state(loss [, weight])}: the state {@code loss_mean} keeps (row count, exact sums
 * of weights and losses, extremes) as canonical bytes, without the exact sums of squares that
 * {@code loss_state} adds for the spread: half the exact additions per weighted row, for roll-ups of
 * sums and means. Merges with {@code loss_merge} (with its own kind only); {@code loss_state_stats}
 * reads it with stddev and stderr NULL.
 *
 * <p>{@code SELECT day, model, loss_mean_state(label, weight) AS label_state FROM preds GROUP BY day, model}
 */
public final class LossMeanStateFunction extends LossAggregateFunction<byte[]> {
  public static final String NAME = "loss_mean_state";

  public LossMeanStateFunction() {
    super(NAME);
  }

  @Override
  public String summary() {
    return "the exact state loss_mean keeps (row count, exact sums of weights and losses, extremes) as"
        + " canonical bytes, without loss_state's sums of squares: half the work per weighted row. Merge"
        + " with loss_merge (not with loss_state values), read with loss_state_stats (stddev and stderr NULL).";
  }

  @Override
  public List<FunctionExample> examples() {
    return List.of(new FunctionExample(
        "SELECT loss_state_stats(loss_mean_state(x, w)).mean FROM VALUES (0.5, 3), (0.25, 1) AS t(x, w)", "0.4375"));
  }

  @Override
  boolean needsSpread() {
    return false;
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
