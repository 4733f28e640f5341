package io.sparkxent.job;

import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Realistic example predictions for trying the job: three models of different quality, five
 * countries, two devices, a weight column, a fixed seed. {@code scripts/run-local.sh} writes them
 * once.
 *
 * <p>{@code java -cp ... io.sparkxent.job.ExampleData data/example-predictions 1000000}
 */
public final class ExampleData {
  private static final long SEED = 42;

  private ExampleData() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: ExampleData OUTPUT_DIR [ROWS]");
      System.exit(EvaluationJob.USAGE);
    }
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
    SparkSession spark = SparkSession.builder()
        .appName("spark-xent example data")
        .master("local[*]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    write(spark, args[0], rows);
    spark.stop();
  }

  /** Writes the example predictions as Parquet, replacing what is there. */
  static void write(SparkSession spark, String path, long rows) {
    spark.range(0, rows, 1, 8)
        .selectExpr(
            "element_at(array('baseline', 'candidate', 'legacy'), CAST(id % 3 AS INT) + 1) AS model",
            "element_at(array('US', 'DE', 'IN', 'BR', 'JP'), CAST(floor(rand(" + SEED + ") * 5) AS INT) + 1) AS country",
            "IF(rand(" + (SEED + 1) + ") < 0.7, 'mobile', 'desktop') AS device",
            "CAST(rand(" + (SEED + 2) + ") < 0.25 AS DOUBLE) AS label",
            "randn(" + (SEED + 3) + ") AS noise",
            "0.5 + rand(" + (SEED + 4) + ") AS weight")
        // each model separates the classes by its own margin; legacy is also miscalibrated
        .selectExpr("model", "country", "device", "label", "weight",
            "(label * 2 - 1) * CASE model WHEN 'candidate' THEN 2.2 WHEN 'baseline' THEN 1.6 ELSE 1.0 END"
                + " + noise * 1.5 - 1.1 + IF(model = 'legacy', 0.8, 0.0) AS logit")
        .write().mode(SaveMode.Overwrite).parquet(path);
  }
}
