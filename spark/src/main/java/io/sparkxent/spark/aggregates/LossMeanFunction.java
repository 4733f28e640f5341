package io.sparkxent.spark.aggregates;

import io.sparkxent.spark.FunctionExample;
import java.util.List;
import io.sparkxent.math.Reduction;
import io.sparkxent.math.LossState;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code loss_mean(loss [, weight])}: the exact sum divided by the row count (Keras {@code
 * SUM_OVER_BATCH_SIZE}, PyTorch {@code reduction='mean'}), or with a weight {@code sum(w*loss) /
 * sum(w)} (scikit-learn {@code sample_weight}, MLlib {@code weightCol}), rounded once.
 *
 * <p>{@code SELECT model, loss_mean(bce_logits(label, logit)) FROM preds GROUP BY model}
 */
public final class LossMeanFunction extends LossAggregateFunction<Double> {
  public static final String NAME = "loss_mean";

  public LossMeanFunction() {
    super(NAME);
  }

  @Override
  public String summary() {
    return "the exact mean: sum(loss)/rows, or"
        + " sum(weight*loss)/sum(weight), with one rounding: identical bits for any partitioning"
        + " or row order. Rows with a NULL loss or weight are skipped; no rows or zero total weight gives NULL.";
  }

  @Override
  public List<FunctionExample> examples() {
    return List.of(
        new FunctionExample("SELECT loss_mean(x) FROM VALUES (0.1), (0.2), (0.3) AS t(x)", "0.2"),
        new FunctionExample("SELECT loss_mean(x, w) FROM VALUES (0.5, 3), (0.25, 1) AS t(x, w)", "0.4375"));
  }

  @Override
  boolean needsSpread() {
    return false;
  }

  @Override
  DataType resultType() {
    return DataTypes.DoubleType;
  }

  @Override
  Double result(LossState state) {
    return Reduction.WEIGHTED_MEAN.of(state);
  }
}
