package io.sparkxent.spark.aggregates;

import io.sparkxent.spark.functions.ArgumentKind;
import io.sparkxent.math.InvalidInputException;
import io.sparkxent.math.LossState;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * An exact reduction of a loss column, {@code f(loss [, weight])}, as a Spark V2 aggregate: the
 * loss (any expression, typically one of our per-row functions) and the weight are evaluated in
 * Spark's generated projection and fed to a {@link LossState}, with no per-row encoder. A row whose
 * loss or weight is NULL is skipped, as {@code avg} skips NULL and two-argument aggregates such as
 * {@code corr} skip a row with any NULL argument; a NaN, negative or infinite weight is an error.
 *
 * @param <R> the result: a double or, for {@code loss_stats}, a struct
 */
public abstract class LossAggregateFunction<R> extends SelfDocumentedFunction {
  private final String name;

  LossAggregateFunction(String name) {
    super(name, "agg_funcs", name + "(loss [, weight])");
    this.name = name;
  }

  /** Whether the state keeps the squares the standard deviation needs. */
  abstract boolean needsSpread();

  /** The result type and the value an aggregated state gives. */
  abstract DataType resultType();

  abstract R result(LossState state);

  @Override
  public BoundFunction bind(StructType inputType) {
    DataType[] types = java.util.Arrays.stream(inputType.fields())
        .map(field -> field.dataType())
        .toArray(DataType[]::new);
    boolean numeric = java.util.Arrays.stream(types).allMatch(type -> ArgumentKind.of(type) == ArgumentKind.NUMBER);
    if (!numeric || types.length < 1 || types.length > 2) {
      String given = java.util.Arrays.stream(types).map(DataType::simpleString)
          .collect(java.util.stream.Collectors.joining(", ", "(", ")"));
      throw new UnsupportedOperationException(
          name + " got " + types.length + " argument(s) of type " + given + "; it takes " + name
              + "(loss numeric) or " + name + "(loss numeric, weight numeric)");
    }
    return new Bound(types.length == 2);
  }

  /** The aggregate bound to {@code (loss)} or {@code (loss, weight)}. */
  public final class Bound implements AggregateFunction<Serializable, R> {
    private static final long serialVersionUID = 1L;
    private final boolean weighted;

    Bound(boolean weighted) {
      this.weighted = weighted;
    }

    @Override
    public Serializable newAggregationState() {
      return new LossState(weighted, needsSpread());
    }

    @Override
    public Serializable update(Serializable buffer, InternalRow input) {
      LossState state = LossState.from(buffer);
      boolean lossIsNull = input.isNullAt(0);
      boolean weightIsNull = weighted && input.isNullAt(1);
      accumulate(state, lossIsNull, lossIsNull ? 0 : input.getDouble(0),
          weightIsNull, weighted && !weightIsNull ? input.getDouble(1) : 0);
      return state;
    }

    /** Adds one row: Spark's route above and ours ({@link LossStates}) both come here. */
    public void accumulate(LossState state, boolean lossIsNull, double loss, boolean weightIsNull, double weight) {
      if (lossIsNull) {
        return;
      }
      if (!weighted) {
        state.add(loss);
        return;
      }
      if (weightIsNull) {
        return;
      }
      try {
        state.add(loss, weight);
      } catch (InvalidInputException e) {
        throw e.inFunction(name);
      }
    }

    // Buffers that went through Spark's serialization come back as byte[] (see LossState).
    @Override
    public Serializable merge(Serializable left, Serializable right) {
      return LossState.from(left).merge(LossState.from(right));
    }

    @Override
    public R produceResult(Serializable state) {
      return result(LossState.from(state));
    }

    @Override
    public DataType[] inputTypes() {
      return weighted
          ? new DataType[] {DataTypes.DoubleType, DataTypes.DoubleType}
          : new DataType[] {DataTypes.DoubleType};
    }

    @Override
    public DataType resultType() {
      return LossAggregateFunction.this.resultType();
    }

    @Override
    public boolean isResultNullable() {
      return true;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String canonicalName() {
      return "xent." + name + (weighted ? "(loss, weight)" : "(loss)");
    }

    // Equal calls must be equal expressions: Spark then computes a repeated aggregate once and
    // reuses the exchanges of equal plans.
    @Override
    public boolean equals(Object other) {
      return other instanceof LossAggregateFunction<?>.Bound
          && canonicalName().equals(((LossAggregateFunction<?>.Bound) other).canonicalName());
    }

    @Override
    public int hashCode() {
      return canonicalName().hashCode();
    }

    // What EXPLAIN prints inside v2aggregator(...).
    @Override
    public String toString() {
      return canonicalName();
    }
  }
}
