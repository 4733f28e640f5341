package io.sparkxent.spark.execution;

import io.sparkxent.spark.aggregates.LossAggregateFunction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Ascending$;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.SortOrder$;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.plans.physical.AllTuples$;
import org.apache.spark.sql.catalyst.plans.physical.ClusteredDistribution;
import org.apache.spark.sql.catalyst.plans.physical.ClusteredDistribution$;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.SinglePartition$;
import org.apache.spark.sql.execution.SparkPlan;
import scala.Option;
import io.sparkxent.spark.ScalaCollections;
import scala.collection.Seq;

/**
 * The second step of an exact aggregation: merges the partial states of each key (its input is
 * clustered and sorted by the keys, so one group is held at a time) and evaluates the query's
 * result expressions over the keys and the aggregates' results. Without keys it runs in one task
 * and always returns one row, as a global aggregate must, even over no input.
 */
public final class ExactFinalAggregateExec extends ExactAggregateExec {
  private static final long serialVersionUID = 1L;
  private final Seq<Attribute> aggregateResults;
  private final Seq<NamedExpression> results;

  /**
   * @param aggregateResults the attributes by which {@code results} refer to each function's result
   * @param results the query's output, over the keys and {@code aggregateResults}
   */
  public ExactFinalAggregateExec(Seq<Attribute> keys, Seq<LossAggregateFunction<?>.Bound> functions,
      Seq<Attribute> states, Seq<Attribute> aggregateResults, Seq<NamedExpression> results, SparkPlan child) {
    super(keys, functions, states, child);
    this.aggregateResults = aggregateResults;
    this.results = results;
  }

  @Override
  Object[] arguments() {
    return new Object[] {keys, functions, states, aggregateResults, results, child};
  }

  @Override
  public AttributeSet producedAttributes() {
    return AttributeSet.apply(ExactAggregateExec.expressions(aggregateResults));
  }

  @Override
  public scala.collection.immutable.List<Attribute> output() {
    return ScalaCollections.list(
        ScalaCollections.javaList(results).stream().map(NamedExpression::toAttribute).toList());
  }

  @Override
  public scala.collection.immutable.List<Distribution> requiredChildDistribution() {
    Distribution distribution = keys.isEmpty()
        ? AllTuples$.MODULE$
        : new ClusteredDistribution(ExactAggregateExec.expressions(keys), ClusteredDistribution$.MODULE$.apply$default$2(),
            Option.empty());
    return ScalaCollections.list(List.of(distribution));
  }

  // Raw: the element type is the default Seq of Spark's Scala version, which Java cannot name for both.
  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public scala.collection.immutable.List requiredChildOrdering() {
    List<SortOrder> ordering = new ArrayList<>();
    for (Expression key : ScalaCollections.javaList(ExactAggregateExec.expressions(keys))) {
      ordering.add(SortOrder$.MODULE$.apply(key, Ascending$.MODULE$, ScalaCollections.list(List.of())));
    }
    return ScalaCollections.list(List.of(ScalaCollections.list(ordering)));
  }

  @Override
  public Partitioning outputPartitioning() {
    // Every row of a key stays in its partition: keep the child's clustering for joins above.
    return keys.isEmpty() ? SinglePartition$.MODULE$ : child.outputPartitioning();
  }

  @Override
  SparkPlan withNewChild(SparkPlan newChild) {
    return new ExactFinalAggregateExec(keys, functions, states, aggregateResults, results, newChild);
  }

  @Override
  public RDD<InternalRow> doExecute() {
    RDD<InternalRow> input = child.execute();
    if (keys.isEmpty() && input.getNumPartitions() == 0) {
      input = JavaSparkContext.fromSparkContext(sparkContext()).<InternalRow>parallelize(List.of(), 1).rdd();
    }
    List<Attribute> resultInput = new ArrayList<>(ScalaCollections.javaList(keys));
    resultInput.addAll(ScalaCollections.javaList(aggregateResults));
    Partition partition = new Partition(functionList(), keys, child.output(), results,
        ScalaCollections.list(resultInput));
    return input.toJavaRDD().mapPartitions(partition).rdd();
  }

  /** The per-partition merge, shipped to the executors. */
  private static final class Partition implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;
    private final List<LossAggregateFunction<?>.Bound> functions;
    private final Seq<Attribute> keys;
    private final Seq<Attribute> input;
    private final Seq<NamedExpression> results;
    private final Seq<Attribute> resultInput;

    Partition(List<LossAggregateFunction<?>.Bound> functions, Seq<Attribute> keys, Seq<Attribute> input,
        Seq<NamedExpression> results, Seq<Attribute> resultInput) {
      this.functions = functions;
      this.keys = keys;
      this.input = input;
      this.results = results;
      this.resultInput = resultInput;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
      // Generated classes are not serializable: build them here, on the executor.
      UnsafeProjection keyOf = UnsafeProjection.create(ExactAggregateExec.expressions(keys), input.toList());
      UnsafeProjection resultOf = UnsafeProjection.create(ExactAggregateExec.expressions(results), resultInput.toList());
      int firstState = keys.size();
      if (keys.isEmpty()) {
        LossStates states = new LossStates(functions);
        while (rows.hasNext()) {
          states.merge(rows.next(), firstState);
        }
        InternalRow result = resultOf.apply(new JoinedRow(new GenericInternalRow(0), states.results()));
        return Collections.singletonList(result).iterator();
      }
      return new Iterator<>() {
        private InternalRow pending = rows.hasNext() ? rows.next() : null;

        @Override
        public boolean hasNext() {
          return pending != null;
        }

        @Override
        public InternalRow next() {
          if (pending == null) {
            throw new NoSuchElementException();
          }
          UnsafeRow key = keyOf.apply(pending).copy();
          LossStates states = new LossStates(functions);
          do {
            states.merge(pending, firstState);
            pending = rows.hasNext() ? rows.next() : null;
          } while (pending != null && key.equals(keyOf.apply(pending)));
          return resultOf.apply(new JoinedRow(key, states.results()));
        }
      };
    }
  }
}
