package io.sparkxent.spark;

import static io.sparkxent.spark.SharedSpark.spark;

import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** What the planning tests ask of a query: its rows as text, its executed plan, a setting for a while. */
final class Queries {
  private Queries() {}

  /** Runs the query and returns the text of the plan it ran (adaptive execution's final plan first). */
  static String planOf(String query) {
    Dataset<Row> frame = spark().sql(query);
    frame.collectAsList();
    return frame.queryExecution().executedPlan().toString();
  }

  /** Rows as text, sorted: Double.toString tells every double apart (-0.0 too), unlike Row.equals. */
  static List<String> sorted(Supplier<Dataset<Row>> frame) {
    return frame.get().collectAsList().stream().map(Row::toString).sorted().toList();
  }

  /** Runs {@code body} with the session setting {@code key} at {@code value}, then unsets it. */
  static <T> T withConf(String key, String value, Supplier<T> body) {
    spark().conf().set(key, value);
    try {
      return body.get();
    } finally {
      spark().conf().unset(key);
    }
  }
}
