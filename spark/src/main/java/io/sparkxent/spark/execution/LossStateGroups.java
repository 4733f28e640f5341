package io.sparkxent.spark.execution;

import io.sparkxent.spark.ScalaCollections;
import io.sparkxent.spark.aggregates.LossAggregateFunction;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
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
 *
 * <p>With an {@link Expansion} (the finest grain of grouping sets) the groups are finest keys.
 * At the end of a round each is emitted as it is in a set that keeps every finest column, and
 * merged, in memory, into its key of every coarser set, whose groups follow: one state per coarse
 * key and round. That pays while a round gathers many rows per key. When a round fills with fewer
 * than {@value #ROWS_PER_KEY} rows per key (a set per user id, say), the finest groups are about
 * as many as the rows and merging each into every set costs more than adding the rows there; so
 * from the next round on the partition adds each row to its key of every set directly, as Spark's
 * Expand would: the runtime bound that statistics cannot give when a table has none.
 */
public final class LossStateGroups {
  /** Fewer rows per finest key than this in a full round: expand rows instead of states. */
  public static final int ROWS_PER_KEY = 8;

  private final List<?> functions;
  private final int capacity;
  private final Map<UnsafeRow, LossStates> groups = new HashMap<>();
  // the sets' key projections over a finest key (null without an expansion), and which of them
  // keep every finest column (a finest group is alone in its key there)
  private final UnsafeProjection[] sets;
  private final boolean[] finest;
  private final LossStates[] targets;
  private boolean expandsRows;
  private long rowsInRound;
  // the round being emitted: its groups, the coarse sets' groups merged from them, the current
  // group (a finest group while its sets are visited) and what is emitted of it
  private Iterator<Map.Entry<UnsafeRow, LossStates>> emitting;
  private final Map<UnsafeRow, LossStates> coarse = new HashMap<>();
  private Iterator<Map.Entry<UnsafeRow, LossStates>> emittingCoarse;
  private boolean expandingFinest;
  private boolean switchAfterRound;
  private Map.Entry<UnsafeRow, LossStates> current;
  private int set;
  private UnsafeRow currentKey;
  private LossStates currentStates;
  private byte[][] currentBytes;

  /** @param functions the bound aggregates, in order (typed loosely for generated code) */
  public LossStateGroups(List<?> functions, int capacity, Expansion expansion) {
    this.functions = functions;
    this.capacity = capacity;
    if (expansion.none()) {
      sets = null;
      finest = null;
      targets = new LossStates[1];
      return;
    }
    int count = expansion.sets().size();
    sets = new UnsafeProjection[count];
    finest = new boolean[count];
    for (int i = 0; i < count; i++) {
      List<Expression> set = expansion.sets().get(i);
      sets[i] = UnsafeProjection.create(ExactAggregateExec.expressions(ScalaCollections.list(set)),
          ScalaCollections.list(expansion.finestKeys()));
      finest[i] = expansion.finestKeys().stream().allMatch(key -> set.stream().anyMatch(key::semanticEquals));
    }
    targets = new LossStates[count];
  }

  /**
   * Finds (or creates, with a copy of the key) the states a row of this key goes to: its key's,
   * or with rows expanded its key's in every set; returns how many ({@link #target(int)}).
   */
  public int targets(UnsafeRow key) {
    rowsInRound++;
    if (!expandsRows) {
      targets[0] = statesFor(groups, key);
      return 1;
    }
    for (int i = 0; i < sets.length; i++) {
      targets[i] = statesFor(groups, sets[i].apply(key));
    }
    return sets.length;
  }

  /** The {@code i}th states {@link #targets(UnsafeRow)} found. */
  public LossStates target(int i) {
    return targets[i];
  }

  /** Whether this partition now expands rows rather than finest groups. */
  public boolean expandsRows() {
    return expandsRows;
  }

  private LossStates statesFor(Map<UnsafeRow, LossStates> map, UnsafeRow key) {
    LossStates states = map.get(key);
    if (states == null) {
      states = new LossStates(functions);
      map.put(key.copy(), states);
    }
    return states;
  }

  /** Whether the groups hold {@code capacity} keys: time to emit. */
  public boolean full() {
    return groups.size() >= capacity;
  }

  /**
   * Moves to the next group to emit ({@link #key()}, {@link #bytes(int)}). False, with every
   * group dropped, once all have been emitted.
   */
  public boolean next() {
    if (emitting == null) {
      emitting = groups.entrySet().iterator();
      expandingFinest = sets != null && !expandsRows;
      switchAfterRound = expandingFinest && full() && rowsInRound < (long) ROWS_PER_KEY * groups.size();
      current = null;
    }
    if (!expandingFinest) {
      return emitting.hasNext() ? emit(emitting.next()) : endRound();
    }
    while (emittingCoarse == null) {
      while (current != null && ++set < sets.length) {
        UnsafeRow key = sets[set].apply(current.getKey());
        if (finest[set]) {
          currentKey = key;
          return emitState(current.getValue());
        }
        statesFor(coarse, key).merge(current.getValue());
      }
      if (emitting.hasNext()) {
        current = emitting.next();
        set = -1;
      } else {
        emittingCoarse = coarse.entrySet().iterator();
      }
    }
    return emittingCoarse.hasNext() ? emit(emittingCoarse.next()) : endRound();
  }

  private boolean emit(Map.Entry<UnsafeRow, LossStates> group) {
    currentKey = group.getKey();
    return emitState(group.getValue());
  }

  private boolean emitState(LossStates states) {
    if (states != currentStates) {
      currentStates = states;
      currentBytes = null;
    }
    return true;
  }

  private boolean endRound() {
    groups.clear();
    coarse.clear();
    emitting = null;
    emittingCoarse = null;
    current = null;
    currentStates = null;
    currentBytes = null;
    expandsRows |= switchAfterRound;
    rowsInRound = 0;
    return false;
  }

  /** The key of the group being emitted. */
  public UnsafeRow key() {
    return currentKey;
  }

  /** The canonical bytes of aggregate {@code aggregate}'s state in the group being emitted. */
  public byte[] bytes(int aggregate) {
    if (currentBytes == null) {
      currentBytes = new byte[functions.size()][];
    }
    if (currentBytes[aggregate] == null) {
      currentBytes[aggregate] = currentStates.bytes(aggregate);
    }
    return currentBytes[aggregate];
  }

  /** All states' bytes of the group being emitted, as the values of a row. */
  InternalRow bytesRow() {
    Object[] values = new Object[functions.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = bytes(i);
    }
    return new GenericInternalRow(values);
  }

  /**
   * The per-partition loop of a grouped step without generated code, shipped to the executors:
   * each row is folded into its states ({@link #fold}) and the groups are emitted round by round,
   * each as its key and its states' bytes.
   */
  abstract static class Rounds implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;
    final List<LossAggregateFunction<?>.Bound> functions;
    final Seq<Attribute> keys;
    private final Seq<Attribute> input;
    private final DataType[] outputTypes;

    private final Expansion expansion;

    Rounds(List<LossAggregateFunction<?>.Bound> functions, Seq<Attribute> keys, Seq<Attribute> input,
        DataType[] outputTypes, Expansion expansion) {
      this.functions = functions;
      this.keys = keys;
      this.input = input;
      this.outputTypes = outputTypes;
      this.expansion = expansion;
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
      LossStateGroups groups = new LossStateGroups(functions, ExactPartialAggregateExec.MAX_GROUPS, expansion);
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
              int targets = groups.targets(keyOf.apply(row));
              for (int i = 0; i < targets; i++) {
                fold(groups.target(i), row);
              }
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
          return outputOf.apply(new JoinedRow(groups.key(), groups.bytesRow()));
        }
      };
    }
  }
}
