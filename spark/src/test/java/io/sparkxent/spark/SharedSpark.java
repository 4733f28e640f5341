package io.sparkxent.spark;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM: local[2], no UI, few shuffle partitions, bound to
 * 127.0.0.1. The functions arrive through the jar's {@code META-INF/services} entry alone, which
 * every test therefore checks; the catalog is configured as a user would.
 */
public final class SharedSpark {
  private static SparkSession session;

  private SharedSpark() {}

  public static synchronized SparkSession spark() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("spark-xent-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.sql.catalog.xent", XentCatalog.class.getName())
              .getOrCreate();
    }
    return session;
  }

  /** Runs a query and returns its rows. */
  public static List<Row> sql(String query) {
    return spark().sql(query).collectAsList();
  }

  /** The single value of a one-row, one-column query. */
  public static Object scalar(String query) {
    List<Row> rows = sql(query);
    if (rows.size() != 1) {
      throw new AssertionError(query + " returned " + rows.size() + " rows");
    }
    return rows.get(0).get(0);
  }

  /** Runs {@code body} with {@code spark.sql.ansi.enabled} set as given, then restores it. */
  public static void withAnsi(boolean enabled, Runnable body) {
    String before = spark().conf().get("spark.sql.ansi.enabled");
    spark().conf().set("spark.sql.ansi.enabled", Boolean.toString(enabled));
    try {
      body.run();
    } finally {
      spark().conf().set("spark.sql.ansi.enabled", before);
    }
  }
}
