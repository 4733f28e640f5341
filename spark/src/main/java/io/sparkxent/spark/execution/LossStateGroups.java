package io.sparkxent.spark.execution;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BiConsumer;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;

/**
 * The groups of a partial step with keys: at most {@code capacity} keys, each with its {@link
 * LossStates}. Used from the scan's generated loop (hence public) and from the row iterator when
 * there is no generated code. When full, the partial step emits every group and starts again: the
 * final step merges the repeated keys, so memory is bounded for any number of keys and the answer
 * does not change (exact states merge without error, in any order).
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
   * The rows folded into these groups ({@code fold}: add a row's losses, or merge its states) and
   * emitted round by round, each group as its key and its states' bytes: the row loop of a step
   * without generated code.
   */
  Iterator<InternalRow> rounds(Iterator<InternalRow> rows, UnsafeProjection keyOf,
      BiConsumer<LossStates, InternalRow> fold, UnsafeProjection outputOf) {
    return new Iterator<>() {
      // whether a group is current that next() has not returned yet
      private boolean positioned;

      @Override
      public boolean hasNext() {
        if (positioned) {
          return true;
        }
        positioned = LossStateGroups.this.next();
        if (!positioned && rows.hasNext()) {
          // the last round is emitted (or none began): fill the next one
          while (!full() && rows.hasNext()) {
            InternalRow row = rows.next();
            fold.accept(statesFor(keyOf.apply(row)), row);
          }
          positioned = LossStateGroups.this.next();
        }
        return positioned;
      }

      @Override
      public InternalRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        positioned = false;
        return outputOf.apply(new JoinedRow(key(), states().bytes()));
      }
    };
  }
}
