package io.sparkxent.spark;

import io.sparkxent.math.InvalidInputException;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;

/**
 * The Java UDF route, for code that registers functions itself (and PySpark's {@code
 * registerJavaFunction}): {@link #registerAll(SparkSession)} registers every function of the
 * registry that has a UDF class. The native functions of the session extension are faster (they
 * are inlined into generated code and get implicit casts); these exist for sessions that cannot
 * load an extension.
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
   * Runs a strict loss; on invalid input, rethrows in ANSI mode and gives NULL otherwise. UDFs
   * cannot capture the mode at analysis, and the conf is read only on this rare path.
   */
  static Double evaluate(Supplier<Double> strictLoss) {
    try {
      return strictLoss.get();
    } catch (InvalidInputException e) {
      if (SQLConf.get().ansiEnabled()) {
        throw e;
      }
      return null;
    }
  }
}
