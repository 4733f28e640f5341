package io.sparkxent.spark.execution;

import io.sparkxent.spark.ScalaCollections;
import io.sparkxent.spark.aggregates.LossAggregateFunction;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataType;
import scala.collection.Seq;

/**
 * Merges partial states by key within each partition, before the exchange: above the finest
 * grain's Expand ({@link FinestGrainPlan}), where each finest state arrives once per grouping set
 * and the coarse sets' copies (a handful of keys: the model, the grand total) would otherwise all
 * be shuffled and merged by the final step. Its input and output are keys then states' bytes; at
 * most {@link ExactPartialAggregateExec#MAX_GROUPS} groups are held, as in the partial step.
 */
public final class ExactMergeAggregateExec extends ExactAggregateExec {
  private static final long serialVersionUID = 1L;

  public ExactMergeAggregateExec(Seq<Attribute> keys, Seq<LossAggregateFunction<?>.Bound> functions,
      Seq<Attribute> states, SparkPlan child) {
    super(keys, functions, states, child);
  }

  @Override
  Object[] arguments() {
    return new Object[] {keys, functions, states, child};
  }

  @Override
  public AttributeSet producedAttributes() {
    return AttributeSet.apply(ExactAggregateExec.expressions(ScalaCollections.list(List.of())));
  }

  @Override
  public scala.collection.immutable.List<Attribute> output() {
    List<Attribute> output = new ArrayList<>(ScalaCollections.javaList(keys));
    output.addAll(ScalaCollections.javaList(states));
    return ScalaCollections.list(output);
  }

  @Override
  SparkPlan withNewChild(SparkPlan newChild) {
    return new ExactMergeAggregateExec(keys, functions, states, newChild);
  }

  @Override
  public RDD<InternalRow> doExecute() {
    DataType[] outputTypes = ScalaCollections.javaList(output()).stream()
        .map(Attribute::dataType).toArray(DataType[]::new);
    return child.execute().toJavaRDD()
        .mapPartitions(new Partition(functionList(), keys, child.output(), outputTypes)).rdd();
  }

  /** The per-partition loop: each row's states merged into its key's. */
  private static final class Partition extends LossStateGroups.Rounds {
    private static final long serialVersionUID = 1L;

    Partition(List<LossAggregateFunction<?>.Bound> functions, Seq<Attribute> keys, Seq<Attribute> input,
        DataType[] outputTypes) {
      super(functions, keys, input, outputTypes);
    }

    @Override
    void fold(LossStates states, InternalRow row) {
      states.merge(row, keys.size());
    }
  }
}
