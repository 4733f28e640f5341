package io.sparkxent.spark;

import java.util.List;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;

/**
 * A function of this library as every entry point needs it: Spark's {@link UnboundFunction} (what
 * the function catalog returns and the session extension binds), plus what {@code DESCRIBE
 * FUNCTION EXTENDED}, the README's function table and the Java UDF registration read.
 */
public interface XentFunction extends UnboundFunction {
  /** Its usage, summary and examples (a loss's descriptor). */
  FunctionDocumentation documentation();

  default List<String> usage() {
    return documentation().usage();
  }

  default String summary() {
    return documentation().summary();
  }

  default List<FunctionExample> examples() {
    return documentation().examples();
  }

  /** Spark's function group: {@code math_funcs} for per-row losses, {@code agg_funcs} for sums. */
  String group();

  /** The Java UDF class for {@code spark.udf().registerJava}, or null when there is none. */
  default Class<?> javaUdfClass() {
    return null;
  }

  @Override
  default String description() {
    return String.join("\n    ", usage()) + " - " + summary();
  }
}
