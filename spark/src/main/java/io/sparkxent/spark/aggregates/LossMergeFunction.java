package io.sparkxent.spark.aggregates;

import io.sparkxent.math.LossState;
import io.sparkxent.spark.FunctionExample;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code loss_merge(state)}: merges states written by {@code loss_state} (or the job's {@code
 * loss_state} column) into one, exactly: the merge of the days' states is the state of the week's
 * rows. NULL states are skipped; no state at all gives NULL. Weighted and unweighted states do not
 * mix (an error names both).
 *
 * <p>{@code SELECT model, loss_state_stats(loss_merge(loss_state)).mean FROM metrics WHERE run_id
 * BETWEEN '2026-11-16' AND '2026-11-22' AND slice = 'model' GROUP BY model}
 */
public final class LossMergeFunction extends SelfDocumentedFunction {
  public static final String NAME = "loss_merge";

  public LossMergeFunction() {
    super(NAME, "agg_funcs", NAME + "(state)");
  }

  @Override
  public String summary() {
    return "merges loss_state values into the state of all their rows, exactly (any order, any"
        + " grouping: the same bits as one aggregation of the rows). NULL states are skipped.";
  }

  @Override
  public List<FunctionExample> examples() {
    return List.of(new FunctionExample(
        "SELECT loss_state_stats(loss_merge(s)).sum FROM (SELECT loss_state(x) AS s FROM VALUES (0.1), (0.2) AS t(x)"
            + " UNION ALL SELECT loss_state(x) FROM VALUES (0.3) AS t(x))", "0.6"));
  }

  @Override
  public BoundFunction bind(StructType inputType) {
    if (inputType.size() != 1 || !(inputType.fields()[0].dataType() instanceof BinaryType)) {
      throw new UnsupportedOperationException(NAME + " takes one binary argument, a loss_state value; got "
          + inputType.simpleString());
    }
    return new Bound();
  }

  /** Reads a state's bytes, or fails naming the function (the bytes are not a loss_state value). */
  static LossState state(String function, byte[] bytes) {
    try {
      return LossState.fromBytes(bytes);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(function + ": the argument is not a loss_state value (" + bytes.length
          + " bytes that do not parse as one)", e);
    }
  }

  /** The aggregate; its buffer is a state, or an empty array before the first one. */
  static final class Bound implements AggregateFunction<Serializable, byte[]> {
    private static final long serialVersionUID = 1L;
    private static final byte[] NONE = new byte[0];

    @Override
    public Serializable newAggregationState() {
      return NONE;
    }

    @Override
    public Serializable update(Serializable buffer, InternalRow input) {
      if (input.isNullAt(0)) {
        return buffer;
      }
      return merge(buffer, state(NAME, input.getBinary(0)));
    }

    @Override
    public Serializable merge(Serializable left, Serializable right) {
      if (isNone(right)) {
        return left;
      }
      if (isNone(left)) {
        return right;
      }
      return LossState.from(left).merge(LossState.from(right));
    }

    private static boolean isNone(Serializable buffer) {
      return buffer instanceof byte[] && ((byte[]) buffer).length == 0;
    }

    @Override
    public byte[] produceResult(Serializable state) {
      return isNone(state) ? null : LossState.from(state).toBytes();
    }

    @Override
    public DataType[] inputTypes() {
      return new DataType[] {DataTypes.BinaryType};
    }

    @Override
    public DataType resultType() {
      return DataTypes.BinaryType;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String canonicalName() {
      return "xent." + NAME + "(state)";
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Bound;
    }

    @Override
    public int hashCode() {
      return canonicalName().hashCode();
    }

    @Override
    public String toString() {
      return canonicalName();
    }
  }
}
