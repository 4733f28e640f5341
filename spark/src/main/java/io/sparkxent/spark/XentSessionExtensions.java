package io.sparkxent.spark;

import io.sparkxent.spark.execution.ExactAggregateStrategy;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.internal.config.ConfigEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.SparkSessionExtensionsProvider;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Function1;
import scala.Option;
import scala.Tuple3;
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
  private static final Logger LOG = LoggerFactory.getLogger(XentSessionExtensions.class);

  private static final String SINCE = "0.1.0";

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    XentConf.all(); // declares our settings with Spark's SQLConf, so that SET -v lists them
    for (XentFunction function : XentFunctions.all()) {
      Function1<scala.collection.Seq<Expression>, Expression> builder =
          arguments -> XentFunctions.resolve(function, arguments);
      extensions.injectFunction(description(identifier(function), info(function), builder));
    }
    extensions.injectPlannerStrategy(session -> {
      List<String> unknown = XentConf.unknownKeys(ScalaCollections.javaMap(session.conf().getAll()));
      if (!unknown.isEmpty()) {
        LOG.warn("spark-xent has no setting {} (its settings: {}); misspelt?", unknown,
            XentConf.all().stream().map(ConfigEntry::key).collect(Collectors.joining(", ")));
      }
      return new ExactAggregateStrategy();
    });
    return BoxedUnit.UNIT;
  }

  /**
   * Spark's function description. Its builder takes the default {@code Seq} of Spark's Scala
   * version, which Java cannot name for both 2.12 and 2.13; both erase to the same class.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Tuple3 description(FunctionIdentifier identifier, ExpressionInfo info,
      Function1<scala.collection.Seq<Expression>, Expression> builder) {
    return new Tuple3(identifier, info, builder);
  }

  private static FunctionIdentifier identifier(XentFunction function) {
    return new FunctionIdentifier(function.name(), Option.empty(), Option.empty());
  }

  /** Spark's examples format, which {@link ExpressionInfo} checks. */
  private static String examplesText(XentFunction function) {
    StringBuilder text = new StringBuilder("\n    Examples:\n");
    for (FunctionExample example : function.examples()) {
      text.append("      > ").append(example.sql()).append(";\n       ").append(example.result()).append('\n');
    }
    return text.append("  ").toString();
  }

  /** What {@code DESCRIBE FUNCTION EXTENDED} prints: usage, examples, group. */
  private static ExpressionInfo info(XentFunction function) {
    return new ExpressionInfo(
        function.getClass().getName(),
        null,
        function.name(),
        function.description(),
        "",
        examplesText(function),
        "",
        function.group(),
        SINCE,
        "",
        "");
  }
}
