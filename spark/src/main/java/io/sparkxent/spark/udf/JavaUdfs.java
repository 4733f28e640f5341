package io.sparkxent.spark.udf;

import io.sparkxent.math.InvalidInputException;
import io.sparkxent.math.ProbabilityCompat;
import io.sparkxent.spark.XentFunction;
import io.sparkxent.spark.XentFunctions;
import java.util.Arrays;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;

/**
 * The Java UDF route, for code that registers functions itself (and PySpark's {@code
 * registerJavaFunction}): {@link #registerAll(SparkSession)} registers every function of the
 * registry that has a UDF class ({@code io.sparkxent.spark.udf.BceLogitsUdf}, ...; generated from
 * the functions' kernels). The native functions of the session extension are faster (they are
 * inlined into generated code and get implicit casts); these exist for sessions that cannot load
 * an extension.
 *
 * <pre>{@code
 * spark.udf().registerJava("bce_logits", "io.sparkxent.spark.udf.BceLogitsUdf", DataTypes.DoubleType);
 * }</pre>
 */
public final class JavaUdfs {
  private JavaUdfs() {}

  /** Registers each function's Java UDF under its SQL name. */
  public static void registerAll(SparkSession session) {
    registerAll(session, "");
  }

  /** Registers each function's Java UDF under {@code prefix + name}. */
  public static void registerAll(SparkSession session, String prefix) {
    for (XentFunction function : XentFunctions.all()) {
      Class<?> udf = function.javaUdfClass();
      if (udf != null) {
        session.udf().registerJava(prefix + function.name(), udf.getName(), DataTypes.DoubleType);
      }
    }
  }

  /**
   * Runs a loss; on invalid input, raises naming {@code function} in ANSI mode and gives NULL
   * otherwise. UDFs cannot capture the mode at analysis; the conf is read only on this rare path.
   */
  public static Double evaluate(String function, DoubleSupplier loss) {
    try {
      return loss.getAsDouble();
    } catch (InvalidInputException e) {
      if (SQLConf.get().ansiEnabled()) {
        throw e.inFunction(function);
      }
      return null;
    }
  }

  /** An array argument: a Scala sequence of numbers or an MLlib vector; null if an element is NULL. */
  public static double[] doubles(Object value) {
    if (value instanceof Vector) {
      return ((Vector) value).toArray();
    }
    scala.collection.Seq<?> sequence = (scala.collection.Seq<?>) value;
    double[] result = new double[sequence.length()];
    for (int i = 0; i < result.length; i++) {
      Object element = sequence.apply(i);
      if (element == null) {
        return null;
      }
      result[i] = ((Number) element).doubleValue();
    }
    return result;
  }

  /** An epsilon number or a compat name. */
  public static ProbabilityCompat compat(Object value) {
    return value instanceof Number
        ? ProbabilityCompat.keras(((Number) value).doubleValue())
        : ProbabilityCompat.named(value.toString());
  }

  /** The error for arguments that fit none of the UDF's forms (a number where an array belongs). */
  public static IllegalArgumentException mismatch(String function, String accepted, Object... arguments) {
    String given = Arrays.stream(arguments).map(argument -> argument.getClass().getSimpleName())
        .collect(Collectors.joining(", ", "(", ")"));
    return new IllegalArgumentException(function + " got arguments of type " + given + "; it takes " + accepted);
  }
}
