package io.sparkxent.spark.aggregates;

import io.sparkxent.math.LossState;
import io.sparkxent.spark.FunctionExample;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code loss_state(loss [, weight])}: the exact state itself, as canonical bytes (equal states,
 * equal bytes), to store beside daily metrics and merge later ({@link LossMergeFunction}) into
 * weekly figures with the same bits as a scan of the week's rows.
 *
 * <p>{@code SELECT day, model, loss_state(bce_logits(label, logit)) AS state FROM preds GROUP BY day, model}
 */
public final class LossStateFunction extends LossAggregateFunction<byte[]> {
  public static final String NAME = "loss_state";

  public LossStateFunction() {
    super(NAME);
  }

  @Override
  public String summary() {
    return "the exact state of the loss column (row count, exact sums of weights, losses and their"
        + " squares, extremes) as canonical bytes: merge states with loss_merge, read them with"
        + " loss_state_stats; the same bits as aggregating the rows at once. No rows: the empty state.";
  }

  @Override
  public List<FunctionExample> examples() {
    return List.of(
        new FunctionExample("SELECT loss_state_stats(loss_state(x)).mean FROM VALUES (1), (2), (3), (4) AS t(x)", "2.5"),
        new FunctionExample("SELECT length(loss_state(x)) > 0 FROM VALUES (1) AS t(x)", "true"));
  }

  @Override
  boolean needsSpread() {
    return true;
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
