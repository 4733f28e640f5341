package io.sparkxent.spark.execution;

import io.sparkxent.spark.aggregates.LossAggregateFunction;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import scala.collection.Seq;

/**
 * The groups of a grouped step: at most {@code capacity} keys, each with its {@link LossStates}.
 * Used from the scan's generated loop (hence public) and from {@link Rounds} when there is no
 * generated code. When full, the step emits every group and starts again: the final step merges
 * the repeated keys, so memory is bounded for any number of keys and the answer does not change
 * (exact states merge without error, in any order).
 */
public final class LossStateGroups {
  private final List<?> functions;
  private final int capacity;
  private final Map<UnsafeRow, LossStates> groups = new HashMap<>();
  private Iterator<Map.Entry<UnsafeRow, LossStates>> emitting;
  private Map.Entry<UnsafeRow, LossStates> current;

  /** @param functions the bound aggregates, in order (typed loosely for generated code) */
  public LossStateGroups(List<?> functions, int capacity) {
    this.functions = functions;
    this.capacity = capacity;
  }

  /** The states of {@code key}'s group, created (with a copy of the key) on its first row. */
  public LossStates statesFor(UnsafeRow key) {
    LossStates states = groups.get(key);
    if (states == null) {
      states = new LossStates(functions);
      groups.put(key.copy(), states);
    }
    return states;
  }

  /** Whether the next new key would exceed the capacity: time to emit. */
  public boolean full() {
    return groups.size() >= capacity;
  }

  /**
   * Moves to the next group to emit ({@link #key()}, {@link #states()}); false, with every group
   * dropped, once all have been emitted.
   */
  public boolean next() {
    if (emitting == null) {
      emitting = groups.entrySet().iterator();
    }
    if (emitting.hasNext()) {
      current = emitting.next();
      return true;
    }
    groups.clear();
    emitting = null;
    current = null;
    return false;
  }

  /** The key of the group being emitted. */
  public UnsafeRow key() {
    return current.getKey();
  }

  /** The states of the group being emitted. */
  public LossStates states() {
    return current.getValue();
  }

  /**
   * The per-partition loop of a grouped step without generated code, shipped to the executors:
   * each row is folded into its key's states ({@link #fold}: add its losses, or merge its states)
   * and the groups are emitted round by round, each as its key and its states' bytes.
   */
  abstract static class Rounds implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;
    final List<LossAggregateFunction<?>.Bound> functions;
    final Seq<Attribute> keys;
    private final Seq<Attribute> input;
    private final DataType[] outputTypes;

    Rounds(List<LossAggregateFunction<?>.Bound> functions, Seq<Attribute> keys, Seq<Attribute> input,
        DataType[] outputTypes) {
      this.functions = functions;
      this.keys = keys;
      this.input = input;
      this.outputTypes = outputTypes;
    }

    abstract void fold(LossStates states, InternalRow row);

    /** The projection of a key and its states' bytes to the step's output row. */
    UnsafeProjection outputOf() {
      return UnsafeProjection.create(outputTypes);
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
      // Generated classes are not serializable: build them here, on the executor.
      UnsafeProjection keyOf = UnsafeProjection.create(ExactAggregateExec.expressions(keys), input.toList());
      UnsafeProjection outputOf = outputOf();
      LossStateGroups groups = new LossStateGroups(functions, ExactPartialAggregateExec.MAX_GROUPS);
      return new Iterator<>() {
        // whether a group is current that next() has not returned yet
        private boolean positioned;

        @Override
        public boolean hasNext() {
          if (positioned) {
            return true;
          }
          positioned = groups.next();
          if (!positioned && rows.hasNext()) {
            // the last round is emitted (or none began): fill the next one
            while (!groups.full() && rows.hasNext()) {
              InternalRow row = rows.next();
              fold(groups.statesFor(keyOf.apply(row)), row);
            }
            positioned = groups.next();
          }
          return positioned;
        }

        @Override
        public InternalRow next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          positioned = false;
          return outputOf.apply(new JoinedRow(groups.key(), groups.states().bytes()));
        }
      };
    }
  }
}
