package io.sparkxent.spark;

import io.sparkxent.math.LossState;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code loss_sum(loss [, weight])}: the exact sum of {@code loss} (or {@code weight * loss}),
 * correctly rounded: the same bits for any partitioning and row order. Keras {@code SUM},
 * PyTorch {@code reduction='sum'}, scikit-learn {@code normalize=False}.
 *
 * <p>{@code SELECT model, loss_sum(bce_logits(label, logit)) FROM preds GROUP BY model}
 */
public final class LossSumFunction extends LossAggregateFunction<Double> {
  public static final String NAME = "loss_sum";

  public LossSumFunction() {
    super(NAME);
  }

  @Override
  public String usage() {
    return NAME + "(loss)\n    " + NAME + "(loss, weight) - the exact sum of loss (or weight*loss),"
        + " correctly rounded: identical bits for any partitioning or row order. NULL losses are"
        + " skipped; no rows gives NULL.";
  }

  @Override
  public String examples() {
    return "\n    Examples:\n"
        + "      > SELECT _FUNC_(x) FROM VALUES (1e308), (1e308), (-1e308) AS t(x);\n       1.0E308\n"
        + "      > SELECT _FUNC_(x, w) FROM VALUES (0.5, 2), (0.25, 4) AS t(x, w);\n       2.0\n"
        + "  ";
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
    return Reduction.SUM.of(state);
  }
}
