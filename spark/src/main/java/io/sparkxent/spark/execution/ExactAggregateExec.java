package io.sparkxent.spark.execution;

import io.sparkxent.spark.aggregates.LossAggregateFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.SparkPlan;
import io.sparkxent.spark.ScalaCollections;
import scala.collection.Seq;

/**
 * What the two steps of an exact aggregation share (product elements are typed {@code
 * scala.collection.Seq}, the one sequence type Scala 2.12 and 2.13 have in common): the grouping keys, our bound aggregates, the
 * binary columns that carry their states between the steps ({@link LossStates#bytes}, canonical
 * and free of Java serialization) and the child. Spark copies plan nodes by reflection on the
 * public constructor, with the product elements as arguments, so both steps list theirs in
 * constructor order.
 */
abstract class ExactAggregateExec extends ExactPlanBase {
  private static final long serialVersionUID = 1L;
  final Seq<Attribute> keys;
  // The bound functions rather than Spark's aggregate expressions: those are CodegenFallback
  // expressions, which would keep the node out of whole-stage code generation.
  final Seq<LossAggregateFunction<?>.Bound> functions;
  final Seq<Attribute> states;
  final SparkPlan child;

  ExactAggregateExec(Seq<Attribute> keys, Seq<LossAggregateFunction<?>.Bound> functions, Seq<Attribute> states,
      SparkPlan child) {
    this.keys = keys;
    this.functions = functions;
    this.states = states;
    this.child = child;
  }

  /** The product elements, in constructor order. */
  abstract Object[] arguments();

  /**
   * The attributes this step makes rather than reads, so that EXPLAIN does not flag them as
   * missing from the input.
   */
  @Override
  public abstract AttributeSet producedAttributes();

  @Override
  public scala.collection.immutable.List<SparkPlan> children() {
    return ScalaCollections.list(List.of(child));
  }

  @Override
  public int productArity() {
    return arguments().length;
  }

  @Override
  public Object productElement(int n) {
    return arguments()[n];
  }

  @Override
  public boolean canEqual(Object other) {
    return other != null && other.getClass() == getClass();
  }

  // Value equality, as Spark's case-class nodes have: adaptive execution finds an exchange it
  // already ran by comparing canonical plans, and keeps its plan when a new one is equal.
  @Override
  public boolean equals(Object other) {
    return canEqual(other) && Arrays.equals(arguments(), ((ExactAggregateExec) other).arguments());
  }

  @Override
  public int hashCode() {
    return 31 * getClass().hashCode() + Arrays.hashCode(arguments());
  }

  /** The bound functions, in order; serializable, so tasks carry them. */
  List<LossAggregateFunction<?>.Bound> functionList() {
    return new ArrayList<>(ScalaCollections.javaList(functions));
  }

  /**
   * Attributes or named expressions as the expressions Spark's projections take (Scala's named
   * expression traits are interfaces to Java, unrelated to the Expression class).
   */
  static scala.collection.immutable.List<Expression> expressions(Seq<?> named) {
    return ScalaCollections.list(
        ScalaCollections.javaList(named).stream().map(expression -> (Expression) expression).toList());
  }
}
