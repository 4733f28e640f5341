package io.sparkxent.spark.aggregates;

import io.sparkxent.spark.FunctionExample;
import java.util.List;
import io.sparkxent.math.Reduction;
import io.sparkxent.math.LossState;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code loss_stats(loss [, weight])}: rows, weight sum, exact sum and mean, standard deviation,
 * standard error (with Kish's effective sample size when weighted), min and max, as one struct.
 *
 * <p>{@code SELECT model, loss_stats(bce_logits(label, logit)).* FROM preds GROUP BY model}
 */
public final class LossStatsFunction extends LossAggregateFunction<InternalRow> {
  public static final String NAME = "loss_stats";

  static final StructType RESULT = new StructType()
      .add("rows", DataTypes.LongType, false)
      .add("weight_sum", DataTypes.DoubleType)
      .add("sum", DataTypes.DoubleType)
      .add("mean", DataTypes.DoubleType)
      .add("stddev", DataTypes.DoubleType)
      .add("stderr", DataTypes.DoubleType)
      .add("min", DataTypes.DoubleType)
      .add("max", DataTypes.DoubleType);

  public LossStatsFunction() {
    super(NAME);
  }

  @Override
  public String summary() {
    return "struct<rows, weight_sum, sum, mean,"
        + " stddev, stderr, min, max> of the loss column, from exact sums: identical bits for any"
        + " partitioning or row order. stddev is the sample standard deviation (weighted: with"
        + " Kish's effective sample size (sum w)^2/sum w^2, which stderr divides by the root of).";
  }

  @Override
  public List<FunctionExample> examples() {
    return List.of(
        new FunctionExample("SELECT loss_stats(x).mean FROM VALUES (1), (2), (3), (4) AS t(x)", "2.5"),
        new FunctionExample("SELECT loss_stats(x).stddev FROM VALUES (1), (2), (3), (4) AS t(x)", "1.2909944487358056"),
        new FunctionExample("SELECT loss_stats(x).rows FROM VALUES (1), (NULL) AS t(x)", "1"));
  }

  @Override
  boolean needsSpread() {
    return true;
  }

  @Override
  DataType resultType() {
    return RESULT;
  }

  @Override
  InternalRow result(LossState state) {
    return stats(state);
  }

  /** The result struct of a state (also {@code loss_state_stats}'). */
  static InternalRow stats(LossState state) {
    boolean empty = state.rows() == 0;
    Double mean = Reduction.WEIGHTED_MEAN.of(state);
    return new GenericInternalRow(new Object[] {
        state.rows(),
        empty ? null : state.weightSum(),
        Reduction.SUM.of(state),
        mean,
        // a state without squares (loss_mean_state) has no spread to tell
        state.hasSpread() ? undefinedAsNull(state.stddev(), mean) : null,
        state.hasSpread() ? undefinedAsNull(state.standardError(), mean) : null,
        empty ? null : state.min(),
        empty ? null : state.max()
    });
  }

  /** NULL where a spread is undefined (fewer than two rows, as stddev_samp); NaN losses stay NaN. */
  private static Double undefinedAsNull(double value, Double mean) {
    return mean == null || (Double.isNaN(value) && !Double.isNaN(mean)) ? null : value;
  }
}
