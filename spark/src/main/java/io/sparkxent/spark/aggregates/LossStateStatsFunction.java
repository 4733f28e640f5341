package io.sparkxent.spark.aggregates;

import io.sparkxent.spark.FunctionExample;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code loss_state_stats(state)}: the struct {@code loss_stats} gives, read from a state (per row:
 * NULL in, NULL out), so {@code loss_state_stats(loss_state(x))} equals {@code loss_stats(x)} bit for
 * bit.
 */
public final class LossStateStatsFunction extends SelfDocumentedFunction {
  public static final String NAME = "loss_state_stats";

  public LossStateStatsFunction() {
    super(NAME, "misc_funcs", NAME + "(state)");
  }

  @Override
  public String summary() {
    return "the loss_stats struct<rows, weight_sum, sum, mean, stddev, stderr, min, max> of a loss_state"
        + " value (of loss_merge's, for roll-ups); NULL for NULL.";
  }

  @Override
  public List<FunctionExample> examples() {
    return List.of(
        new FunctionExample("SELECT loss_state_stats(loss_state(x, w)).mean FROM VALUES (0.5, 3), (0.25, 1) AS t(x, w)",
            "0.4375"),
        new FunctionExample("SELECT loss_state_stats(NULL) IS NULL", "true"));
  }

  @Override
  public BoundFunction bind(StructType inputType) {
    if (inputType.size() != 1 || !(inputType.fields()[0].dataType() instanceof BinaryType
        || inputType.fields()[0].dataType() == DataTypes.NullType)) {
      throw new UnsupportedOperationException(NAME + " takes one binary argument, a loss_state value; got "
          + inputType.simpleString());
    }
    return new Bound();
  }

  static final class Bound implements ScalarFunction<InternalRow> {
    private static final long serialVersionUID = 1L;

    @Override
    public InternalRow produceResult(InternalRow input) {
      if (input.isNullAt(0)) {
        return null;
      }
      return LossStatsFunction.stats(LossMergeFunction.state(NAME, input.getBinary(0)));
    }

    @Override
    public DataType[] inputTypes() {
      return new DataType[] {DataTypes.BinaryType};
    }

    @Override
    public DataType resultType() {
      return LossStatsFunction.RESULT;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String canonicalName() {
      return "xent." + NAME + "(state)";
    }
  }
}
