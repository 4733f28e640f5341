package io.sparkxent.spark;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.SparkSessionExtensionsProvider;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Function1;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.runtime.BoxedUnit;

/**
 * Registers every function of {@link XentFunctions} as a native SQL function of each session, and
 * the planner strategy that runs our aggregates ({@link ExactAggregateStrategy}).
 * Listed in {@code META-INF/services}, so putting the jar on the classpath ({@code --jars}, {@code
 * spark.jars}, a Maven dependency) is the whole set-up; {@code
 * spark.sql.extensions=io.sparkxent.spark.XentSessionExtensions} works too.
 *
 * <p>{@code SELECT model, avg(bce_logits(label, logit)) FROM preds GROUP BY model}
 */
public final class XentSessionExtensions implements SparkSessionExtensionsProvider {
  /**
   * Session configuration: {@code false} plans our aggregates as Spark plans any typed aggregate
   * (ObjectHashAggregate), for comparison; the results are the same bits either way.
   */
  public static final String EXACT_AGGREGATE_PLANNING = "spark.xent.exactAggregatePlanning.enabled";

  private static final String SINCE = "0.1.0";

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    for (XentFunction function : XentFunctions.all()) {
      Function1<Seq<Expression>, Expression> builder =
          arguments -> XentFunctions.resolve(function, arguments);
      extensions.injectFunction(new Tuple3<>(identifier(function), info(function), builder));
    }
    extensions.injectPlannerStrategy(session -> new ExactAggregateStrategy());
    return BoxedUnit.UNIT;
  }

  private static FunctionIdentifier identifier(XentFunction function) {
    return new FunctionIdentifier(function.name(), Option.empty(), Option.empty());
  }

  /** What {@code DESCRIBE FUNCTION EXTENDED} prints: usage, examples, group. */
  private static ExpressionInfo info(XentFunction function) {
    return new ExpressionInfo(
        function.getClass().getName(),
        null,
        function.name(),
        function.usage(),
        "",
        function.examples(),
        "",
        function.group(),
        SINCE,
        "",
        "");
  }
}
