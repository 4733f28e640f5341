package io.sparkxent.spark.execution;

import static io.sparkxent.spark.execution.ExactAggregateStrategy.seq;

import io.sparkxent.spark.ScalaCollections;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.optimizer.NormalizeFloatingNumbers$;
import org.apache.spark.sql.catalyst.plans.logical.Expand;
import org.apache.spark.sql.catalyst.plans.logical.Statistics;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import scala.Option;

/**
 * GROUPING SETS, ROLLUP and CUBE over our aggregates from the finest grain. Spark's Expand feeds
 * every input row once per grouping set into the aggregation; exact states merge without error,
 * so the partial step can instead group the rows once by every column of every set (the finest
 * grain) and merge its groups, in memory, into each set's ({@link Expansion}), a few rows per
 * partition:
 *
 * <pre>
 * ExactFinalAggregate      keys: the grouping columns as Expand outputs them, and the grouping id
 * +- Exchange
 *    +- ExactPartialAggregate   groups by every grouping column; emits each set's groups
 *       +- Project      the aggregates' inputs, over the Expand's input
 * </pre>
 *
 * Taken when every grouping key is one of Expand's grouping columns and every aggregate input one
 * of the columns it passes through (as SQL and the Dataset API build them). Not taken when the
 * table's statistics (ANALYZE ... FOR COLUMNS) say the finest grain has more than one value per
 * {@value #ROWS_PER_VALUE} rows. Without statistics the partial step decides per partition: a
 * round of its groups that fills with fewer rows per key than that makes it expand rows from
 * then on ({@link LossStateGroups}). {@code SET spark.xent.finestGrainPlanning.enabled=false}
 * keeps Spark's Expand.
 */
final class FinestGrainPlan {
  static final int ROWS_PER_VALUE = LossStateGroups.ROWS_PER_KEY;

  private final List<List<Expression>> projections;
  /** Each grouping key's position in Expand's output, and the key as the final step names it. */
  private final List<Integer> positions;
  private final List<Attribute> finalKeys;
  /** The grouping columns of Expand's input, the partial step's keys. */
  private final List<NamedExpression> finestKeys;
  /** Expand's pass-through columns, named as Expand outputs them (the aggregates' inputs use them). */
  private final List<NamedExpression> passThrough;

  private FinestGrainPlan(List<List<Expression>> projections, List<Integer> positions, List<Attribute> finalKeys,
      List<NamedExpression> finestKeys, List<NamedExpression> passThrough) {
    this.projections = projections;
    this.positions = positions;
    this.finalKeys = finalKeys;
    this.finestKeys = finestKeys;
    this.passThrough = passThrough;
  }

  @SuppressWarnings("unchecked")
  static Optional<FinestGrainPlan> of(Expand expand, List<NamedExpression> grouping, List<AggregateExpression> aggregates) {
    List<Attribute> output = ScalaCollections.javaList(expand.output());
    List<List<Expression>> projections = new ArrayList<>();
    for (Object projection : ScalaCollections.javaList(expand.projections())) {
      projections.add(ScalaCollections.javaList((scala.collection.Seq<Expression>) projection));
    }
    List<Integer> positions = new ArrayList<>();
    List<Attribute> finalKeys = new ArrayList<>();
    Map<ExprId, NamedExpression> finestKeys = new LinkedHashMap<>();
    for (NamedExpression key : grouping) {
      int position = keyPosition(key, output);
      if (position < 0) {
        return Optional.empty();
      }
      for (List<Expression> projection : projections) {
        Expression value = projection.get(position);
        if (value instanceof Attribute) {
          finestKeys.put(((Attribute) value).exprId(), (Attribute) value);
        } else if (!(value instanceof Literal)) {
          return Optional.empty();
        }
      }
      positions.add(position);
      finalKeys.add(key.toAttribute().withNullability(true));
    }
    Map<ExprId, NamedExpression> passThrough = new LinkedHashMap<>();
    for (int position = 0; position < output.size(); position++) {
      Expression first = projections.get(0).get(position);
      int at = position;
      if (!positions.contains(position) && first instanceof Attribute
          && projections.stream().allMatch(projection -> projection.get(at).semanticEquals(first))) {
        Attribute out = output.get(position);
        passThrough.put(out.exprId(), new Alias(first, out.name(), out.exprId(), out.qualifier(), Option.empty(), seq(List.of())));
      }
    }
    for (AggregateExpression aggregate : aggregates) {
      for (Attribute used : ScalaCollections.javaList(aggregate.references().toSeq())) {
        if (!passThrough.containsKey(used.exprId())) {
          return Optional.empty(); // an input that Expand sets to NULL in some sets: not from the finest grain
        }
      }
    }
    if (finestKeys.isEmpty() || !fewValues(expand, finestKeys.values())) {
      // no column in any set (the optimizer folded constant ones into literals): Spark's Expand
      // over the rows is as good, and keeps the partial step's keyless path for plain aggregates
      return Optional.empty();
    }
    finestKeys.keySet().forEach(passThrough::remove);
    return Optional.of(new FinestGrainPlan(projections, positions, finalKeys, List.copyOf(finestKeys.values()),
        List.copyOf(passThrough.values())));
  }

  /** Where a grouping key (an Expand output, perhaps with NaN and -0.0 normalized) is in the output. */
  private static int keyPosition(NamedExpression key, List<Attribute> output) {
    for (int i = 0; i < output.size(); i++) {
      Expression column = output.get(i);
      if (((Expression) key).semanticEquals(column)
          || key instanceof Alias && ((Alias) key).child().semanticEquals(NormalizeFloatingNumbers$.MODULE$.normalize(column))) {
        return i;
      }
    }
    return -1;
  }

  /** False when statistics show more than one finest value per {@value #ROWS_PER_VALUE} rows. */
  private static boolean fewValues(Expand expand, java.util.Collection<NamedExpression> keys) {
    Statistics statistics = expand.child().stats();
    if (statistics.rowCount().isEmpty()) {
      return true;
    }
    BigInteger values = BigInteger.ONE;
    for (NamedExpression key : keys) {
      Option<?> column = statistics.attributeStats().get(key.toAttribute());
      if (column.isEmpty()) {
        return true; // no statistics for a column: no estimate
      }
      Option<scala.math.BigInt> distinct = ((org.apache.spark.sql.catalyst.plans.logical.ColumnStat) column.get()).distinctCount();
      if (distinct.isEmpty()) {
        return true;
      }
      values = values.multiply(distinct.get().bigInteger().max(BigInteger.ONE));
    }
    BigInteger rows = statistics.rowCount().get().bigInteger();
    return values.multiply(BigInteger.valueOf(ROWS_PER_VALUE)).compareTo(rows) <= 0;
  }

  /** The partial step's keys. */
  List<NamedExpression> keys() {
    return finestKeys;
  }

  /** The partial step's input: Expand's input with the pass-through columns named as Expand names them. */
  SparkPlan input(SparkPlan expandInput) {
    List<NamedExpression> columns = new ArrayList<>(passThrough);
    columns.addAll(finestKeys);
    return new ProjectExec(seq(columns), expandInput);
  }

  /**
   * How the partial step over {@code partialKeys} (the finest keys as it names them) makes each
   * grouping set's keys from a finest key: the set's grouping columns (NULL for the others) and id.
   */
  Expansion expansion(List<Attribute> partialKeys) {
    List<List<Expression>> sets = new ArrayList<>();
    for (List<Expression> projection : projections) {
      List<Expression> keys = new ArrayList<>();
      positions.forEach(position -> keys.add(projection.get(position)));
      sets.add(List.copyOf(keys));
    }
    return new Expansion(List.copyOf(partialKeys), List.copyOf(finalKeys), List.copyOf(sets));
  }
}
