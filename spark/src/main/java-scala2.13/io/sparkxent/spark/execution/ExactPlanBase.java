package io.sparkxent.spark.execution;

import io.sparkxent.spark.ScalaCollections;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * The Scala 2.13 side of our plan nodes: the overrides whose signatures name Scala's default
 * sequence types ({@code scala.collection.immutable.IndexedSeq}, {@code scala.collection.immutable.Seq}), which differ between Scala 2.12 and 2.13.
 * Everything else of the nodes is shared; this class forwards to Java types.
 */
abstract class ExactPlanBase extends SparkPlan {
  private static final long serialVersionUID = 1L;

  @Override
  public final SparkPlan withNewChildrenInternal(scala.collection.immutable.IndexedSeq<SparkPlan> children) {
    return withNewChild(children.apply(0));
  }

  /** A copy of this node over another child. */
  abstract SparkPlan withNewChild(SparkPlan child);

  /** {@code CodegenSupport.doConsume}, for the node that joins whole-stage generated code. */
  public String doConsume(CodegenContext ctx, scala.collection.immutable.Seq<ExprCode> input, ExprCode row) {
    return consumeColumns(ctx, ScalaCollections.javaList(input));
  }

  /** The code that consumes one row of the child's columns. */
  String consumeColumns(CodegenContext ctx, List<ExprCode> columns) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " does not join generated code");
  }
}
