package io.sparkxent.bench;

import java.nio.file.Files;
import java.nio.file.Paths;
import org.apache.spark.sql.SparkSession;

/**
 * Predictions with many distinct slice values, for the job's scale check in {@code scripts/bench.sh
 * --many-slices}: {@code rows} rows, {@code keys} distinct {@code user_id}s spread over the files
 * (every file holds every range of ids), written once under {@code dir}.
 *
 * <p>{@code ManySlicesData bench/data/slices-20000000-10000000 20000000 10000000}
 */
public final class ManySlicesData {
  private ManySlicesData() {}

  public static void main(String[] args) {
    String dir = args[0];
    long rows = Long.parseLong(args[1]);
    long keys = Long.parseLong(args[2]);
    if (Files.exists(Paths.get(dir, "_SUCCESS"))) {
      return;
    }
    SparkSession spark = SparkSession.builder().master("local[*]").appName("spark-xent many-slices data")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    // id * a prime mod keys: each key twice (rows = 2 keys), in no order the files would group
    spark.range(rows).selectExpr(
            "pmod(id * 1000003, " + keys + ") AS user_id",
            "CAST(pmod(id, 7) < 2 AS DOUBLE) AS label",
            "(pmod(id * 31, 1000) - 500) / 100D AS logit")
        .write().parquet(dir);
    spark.stop();
  }
}
