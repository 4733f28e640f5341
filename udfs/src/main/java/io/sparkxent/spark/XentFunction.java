package io.sparkxent.spark;

import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;

/**
 * A function of this library as every registration path needs it: Spark's {@link UnboundFunction}
 * (what the function catalog returns and the session extension binds), plus the text {@code
 * DESCRIBE FUNCTION EXTENDED} shows.
 */
public interface XentFunction extends UnboundFunction {
  /** {@code bce_logits(label, logit [, label_smoothing])}: one line per accepted argument list. */
  String usage();

  /** SQL examples with their results, in Spark's {@code > SELECT ...} format. */
  String examples();

  /** Spark's function group: {@code math_funcs} for per-row losses, {@code agg_funcs} for sums. */
  String group();

  /** The Java UDF class for {@code spark.udf().registerJava}, or null when there is none. */
  default Class<?> javaUdfClass() {
    return null;
  }
}
