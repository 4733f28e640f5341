package io.sparkxent.spark;

import io.sparkxent.spark.functions.BceFunction;
import io.sparkxent.spark.functions.BceLogitsFunction;
import io.sparkxent.spark.functions.CceFunction;
import io.sparkxent.spark.functions.CceLogitsFunction;
import io.sparkxent.spark.functions.FocalBceLogitsFunction;
import io.sparkxent.spark.functions.LossFunction;
import io.sparkxent.spark.aggregates.EntropyFunction;
import io.sparkxent.spark.aggregates.LossMeanFunction;
import io.sparkxent.spark.aggregates.LossMergeFunction;
import io.sparkxent.spark.aggregates.LossStateFunction;
import io.sparkxent.spark.aggregates.LossStateStatsFunction;
import io.sparkxent.spark.aggregates.LossStatsFunction;
import io.sparkxent.spark.aggregates.LossSumFunction;
import io.sparkxent.spark.functions.SparseCceFunction;
import io.sparkxent.spark.functions.SparseCceLogitsFunction;
import io.sparkxent.spark.functions.WeightedBceLogitsFunction;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.V2ExpressionUtils;
import org.apache.spark.sql.catalyst.expressions.aggregate.V2Aggregator;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.errors.QueryCompilationErrors;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;

/**
 * The registry: every SQL function of spark-xent, once. The session extension, the function
 * catalog, the Java UDF registration, the job, the evaluator and the README test read this list;
 * the per-row losses carry their {@link LossDescriptor}. Adding a loss is a kernel, a function
 * class with its descriptor and {@code @Kernel} methods, and one line here.
 */
public final class XentFunctions {
  private static final List<XentFunction> ALL =
      List.of(
          new BceLogitsFunction(),
          new WeightedBceLogitsFunction(),
          new FocalBceLogitsFunction(),
          new BceFunction(),
          new CceLogitsFunction(),
          new SparseCceLogitsFunction(),
          new CceFunction(),
          new SparseCceFunction(),
          new LossSumFunction(),
          new LossMeanFunction(),
          new LossStatsFunction(),
          LossStateFunction.withSpread(),
          LossStateFunction.meanOnly(),
          new LossMergeFunction(),
          new LossStateStatsFunction(),
          EntropyFunction.labels(),
          EntropyFunction.classes());

  private XentFunctions() {}

  public static List<XentFunction> all() {
    return ALL;
  }

  /** The descriptors of the per-row losses, in registry order. */
  public static List<LossDescriptor> losses() {
    return ALL.stream().filter(function -> function instanceof LossFunction)
        .map(function -> ((LossFunction) function).descriptor()).toList();
  }

  /** The per-row loss of this name, case-insensitive. */
  public static Optional<LossDescriptor> loss(String name) {
    return named(name).filter(function -> function instanceof LossFunction)
        .map(function -> ((LossFunction) function).descriptor());
  }

  /** The function of this name, case-insensitive as SQL names are. */
  public static Optional<XentFunction> named(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return ALL.stream().filter(function -> function.name().equals(lower)).findFirst();
  }

  /**
   * The Catalyst expression for a call, built exactly as Spark builds a call into a V2 function
   * catalog: bind to the argument types, then a {@code StaticInvoke} of the magic method (with
   * implicit casts to the declared input types). Unqualified calls through the session extension
   * and {@code xent.name(...)} calls through {@link XentCatalog} thus compile to the same plan.
   */
  @SuppressWarnings("unchecked")
  static Expression resolve(XentFunction function, scala.collection.Seq<Expression> given) {
    List<Expression> args = ScalaCollections.javaList(given);
    scala.collection.immutable.List<Expression> arguments = ScalaCollections.list(args);
    StructField[] fields = new StructField[args.size()];
    for (int i = 0; i < fields.length; i++) {
      Expression argument = args.get(i);
      fields[i] = DataTypes.createStructField("_" + i, argument.dataType(), argument.nullable());
    }
    BoundFunction bound;
    try {
      bound = function.bind(new StructType(fields));
    } catch (UnsupportedOperationException e) {
      // The same AnalysisException a catalog-qualified call raises (a checked exception in Java).
      Platform.throwException(
          QueryCompilationErrors.functionCannotProcessInputError(function, arguments, e));
      throw e;
    }
    if (bound instanceof ScalarFunction) {
      return V2ExpressionUtils.resolveScalarFunction((ScalarFunction<?>) bound, arguments);
    }
    if (bound instanceof AggregateFunction) {
      // Spark wraps an aggregate function into an AggregateExpression as for its built-ins.
      return new V2Aggregator<>((AggregateFunction<java.io.Serializable, ?>) bound, arguments, 0, 0);
    }
    throw new IllegalStateException(function.name() + " bound to an unsupported " + bound);
  }
}
