package io.sparkxent.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Generated predictions for the benchmarks, written once as Parquet and reused: binary (label,
 * logit, weight, model) and a 10-class variant (class_index, logits). A fixed seed makes every
 * run read the same rows.
 */
final class PredictionData {
  static final int CLASSES = 10;
  private static final long SEED = 20261123L;

  private PredictionData() {}

  /** The binary table's path, generating it if it is missing or has another row count. */
  static String binary(SparkSession spark, Path directory, long rows) throws Exception {
    Path path = directory.resolve("binary-" + rows);
    if (!Files.exists(path.resolve("_SUCCESS"))) {
      spark.range(0, rows, 1, partitions(rows))
          .selectExpr(
              "CAST(rand(" + SEED + ") < 0.3 AS DOUBLE) AS label",
              "randn(" + (SEED + 1) + ") * 3 AS logit",
              "0.5 + rand(" + (SEED + 2) + ") AS weight",
              "concat('model_', CAST(id % 4 AS STRING)) AS model",
              "concat('segment_', CAST(id % 7 AS STRING)) AS segment")
          .write().mode(SaveMode.Overwrite).parquet(path.toString());
    }
    return path.toString();
  }

  /**
   * A scored table as MLlib's binary classifiers write it (label, prediction, probability and
   * rawPrediction vectors), from the binary table: what an evaluator is given in a nightly job.
   */
  static String scored(SparkSession spark, Path directory, String binary, long rows) throws Exception {
    Path path = directory.resolve("scored-" + rows);
    if (!Files.exists(path.resolve("_SUCCESS"))) {
      spark.read().parquet(binary)
          .selectExpr("label", "CAST(logit > 0 AS DOUBLE) AS prediction",
              "array(1 - 1 / (1 + exp(-logit)), 1 / (1 + exp(-logit))) AS p", "array(-logit, logit) AS r")
          .withColumn("probability", org.apache.spark.ml.functions.array_to_vector(org.apache.spark.sql.functions.col("p")))
          .withColumn("rawPrediction", org.apache.spark.ml.functions.array_to_vector(org.apache.spark.sql.functions.col("r")))
          .drop("p", "r")
          .write().mode(SaveMode.Overwrite).parquet(path.toString());
    }
    return path.toString();
  }

  /** The 10-class table's path, generating it if missing. */
  static String categorical(SparkSession spark, Path directory, long rows) throws Exception {
    Path path = directory.resolve("categorical-" + rows);
    if (!Files.exists(path.resolve("_SUCCESS"))) {
      StringBuilder logits = new StringBuilder("array(");
      for (int k = 0; k < CLASSES; k++) {
        logits.append(k == 0 ? "" : ", ").append("randn(").append(SEED + 10 + k).append(") * 2");
      }
      spark.range(0, rows, 1, partitions(rows))
          .selectExpr(
              "CAST(floor(rand(" + SEED + ") * " + CLASSES + ") AS DOUBLE) AS class_index",
              logits + ") AS logits")
          .write().mode(SaveMode.Overwrite).parquet(path.toString());
    }
    return path.toString();
  }

  private static int partitions(long rows) {
    return (int) Math.max(2, Math.min(64, rows / 1_000_000));
  }
}
