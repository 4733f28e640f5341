package io.sparkxent.spark.aggregates;

import io.sparkxent.spark.FunctionExample;
import java.util.List;
import io.sparkxent.math.Reduction;
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
  public String summary() {
    return "the exact sum of loss (or weight*loss),"
        + " correctly rounded: identical bits for any partitioning or row order. Rows with a NULL loss or"
        + " weight are skipped; no rows gives NULL.";
  }

  @Override
  public List<FunctionExample> examples() {
    return List.of(
        new FunctionExample("SELECT loss_sum(x) FROM VALUES (1e308), (1e308), (-1e308) AS t(x)", "1.0E308"),
        new FunctionExample("SELECT loss_sum(x, w) FROM VALUES (0.5, 2), (0.25, 4) AS t(x, w)", "2.0"));
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
