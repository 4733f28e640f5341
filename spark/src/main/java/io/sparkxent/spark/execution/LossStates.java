package io.sparkxent.spark.execution;

import io.sparkxent.spark.aggregates.LossAggregateFunction;

import io.sparkxent.math.LossState;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;

/**
 * The states of one group in an exact aggregation, one {@link LossState} per aggregate, and how
 * rows reach them: the input columns of the partial step (from a row, or from the variables of
 * Spark's generated code, hence public) and the states' bytes in the final step.
 */
public final class LossStates {
  private final List<LossAggregateFunction<?>.Bound> functions;
  private final LossState[] states;

  /** @param functions the bound aggregates, in order (typed loosely for generated code) */
  @SuppressWarnings("unchecked")
  public LossStates(List<?> functions) {
    this.functions = (List<LossAggregateFunction<?>.Bound>) functions;
    this.states = new LossState[functions.size()];
    for (int i = 0; i < states.length; i++) {
      states[i] = (LossState) this.functions.get(i).newAggregationState();
    }
  }

  /** Adds one row to aggregate {@code aggregate}; an unweighted aggregate ignores the weight. */
  public void add(int aggregate, boolean lossIsNull, double loss, boolean weightIsNull, double weight) {
    functions.get(aggregate).accumulate(states[aggregate], lossIsNull, loss, weightIsNull, weight);
  }

  /** Adds one row whose losses and weights (ordinal -1: none) are at these ordinals. */
  void add(InternalRow row, int[] lossOrdinals, int[] weightOrdinals) {
    for (int i = 0; i < states.length; i++) {
      int loss = lossOrdinals[i];
      int weight = weightOrdinals[i];
      boolean lossIsNull = row.isNullAt(loss);
      boolean weightIsNull = weight < 0 || row.isNullAt(weight);
      add(i, lossIsNull, lossIsNull ? 0 : row.getDouble(loss), weightIsNull, weightIsNull ? 0 : row.getDouble(weight));
    }
  }

  /** Merges the states carried as bytes from ordinal {@code first} of a partial step's row. */
  void merge(InternalRow row, int first) {
    for (int i = 0; i < states.length; i++) {
      states[i].merge(LossState.fromBytes(row.getBinary(first + i)));
    }
  }

  /** Merges another group's states into these (the other is left as it was). */
  void merge(LossStates other) {
    for (int i = 0; i < states.length; i++) {
      states[i].merge(other.states[i]);
    }
  }

  /** The canonical bytes of aggregate {@code aggregate}'s state. */
  public byte[] bytes(int aggregate) {
    return states[aggregate].toBytes();
  }

  /** All states' bytes, as the values of a row. */
  InternalRow bytes() {
    Object[] values = new Object[states.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = bytes(i);
    }
    return new GenericInternalRow(values);
  }

  /** The aggregates' results, as the values of a row. */
  InternalRow results() {
    Object[] values = new Object[states.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = functions.get(i).produceResult(states[i]);
    }
    return new GenericInternalRow(values);
  }
}
