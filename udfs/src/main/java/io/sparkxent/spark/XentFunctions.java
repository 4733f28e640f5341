package io.sparkxent.spark;

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
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The registry: every SQL function of spark-xent, once. The session extension, the function
 * catalog and the Java UDF registration all read this list, so adding a function is one class and
 * one line here.
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
          new LossStatsFunction());

  private XentFunctions() {}

  public static List<XentFunction> all() {
    return ALL;
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
  static Expression resolve(XentFunction function, Seq<Expression> arguments) {
    List<Expression> args = CollectionConverters.asJava(arguments);
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
