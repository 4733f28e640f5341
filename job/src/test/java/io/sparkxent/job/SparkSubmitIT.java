package io.sparkxent.job;

import static io.sparkxent.spark.SharedSpark.spark;
import static org.assertj.core.api.Assertions.assertThat;

import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.math.Exact;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.sparkxent.job.SparkSubmitProcess.Result;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged job run the way users run it: through {@code org.apache.spark.deploy.SparkSubmit}
 * (what {@code spark-submit} runs) in a child JVM, on local[2] ({@link StandaloneClusterIT} for the
 * cluster).
 */
class SparkSubmitIT {
  private static final String JAR = SparkSubmitProcess.JAR;
  private static final String LINE = SparkSubmitProcess.LINE;

  @TempDir
  static Path dir;
  static Path oneFile;
  static Path manyFiles;

  @BeforeAll
  static void writeInputs() {
    String query = "SELECT concat('m', CAST(id % 3 AS STRING)) AS model, CAST(id % 4 = 0 AS DOUBLE) AS label,"
        + " (rand(5) - 0.5) * pow(10, CAST(id % 9 AS INT) - 2) AS logit, 0.5 + rand(6) AS weight FROM range(40000)";
    oneFile = dir.resolve("one-file");
    manyFiles = dir.resolve("many-files");
    spark().sql(query).coalesce(1).write().parquet(oneFile.toString());
    // the same rows in another order, in 8 files
    spark().read().parquet(oneFile.toString()).orderBy(org.apache.spark.sql.functions.rand(1)).repartition(8)
        .write().parquet(manyFiles.toString());
  }

  @Test
  void localRunThroughSparkSubmitGivesTheExactValues() throws Exception {
    Path output = dir.resolve("local-metrics");
    // naming the extension in spark.sql.extensions as well as in the jar's service file is harmless
    Result result = submit("local[2]", oneFile, output, "local",
        "--conf", "spark.sql.extensions=io.sparkxent.spark.XentSessionExtensions");
    assertThat(result.code()).as(result.log()).isZero();
    assertThat(result.log()).contains("spark-xent run local: bce_logits");
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal weights = BigDecimal.ZERO;
    for (Row row : spark().read().parquet(oneFile.toString()).collectAsList()) {
      BigDecimal weight = new BigDecimal(row.getDouble(3));
      sum = sum.add(weight.multiply(new BigDecimal(BinaryCrossEntropy.fromLogit(row.getDouble(1), row.getDouble(2)))));
      weights = weights.add(weight);
    }
    Row overall = spark().read().parquet(output.toString()).where("slice = 'overall'").first();
    assertThat(overall.getDouble(overall.fieldIndex("loss_sum"))).isEqualTo(Exact.correctlyRounded(sum));
    assertThat(overall.getDouble(overall.fieldIndex("loss_mean")))
        .isEqualTo(Exact.correctlyRounded(sum.divide(weights, new MathContext(100, RoundingMode.HALF_EVEN))));
  }

  /**
   * {@code --packages io.sparkxent:spark-xent-<line>:<version>} as a user types it, resolved by
   * Spark's own resolver from the local Maven repository that {@code mvn install} filled (offline:
   * nothing else is asked for): the job's classes alone (the unshaded jar) find the functions there.
   */
  @Test
  void packagesResolveTheFunctionsFromTheLocalMavenRepository() throws Exception {
    // one line per Scala build and Spark major; the other two differ only in the artifact's name
    TestLines.assumeThorough();
    Path output = dir.resolve("packages-metrics");
    String coordinates = "io.sparkxent:spark-xent-" + LINE + ":" + System.getProperty("xent.version");
    List<String> args = new ArrayList<>(List.of("--packages", coordinates,
        "--conf", "spark.jars.ivy=" + dir.resolve("ivy"), "--"));
    args.addAll(List.of("--input", oneFile.toString(), "--output", output.toString(), "--label", "label",
        "--logit", "logit", "--weight", "weight", "--slice", "model", "--run-id", "packages"));
    Result result = launch(System.getProperty("job.classes.jar"), "local[2]", args.toArray(new String[0]));
    assertThat(result.code()).as(result.log()).isZero();
    assertThat(result.log()).contains("found io.sparkxent#spark-xent-" + LINE + ";" + System.getProperty("xent.version") + " in local-m2-cache");
    Result shaded = submit("local[2]", oneFile, dir.resolve("shaded-metrics"), "shaded");
    assertThat(shaded.code()).as(shaded.log()).isZero();
    assertThat(metrics(output).get(0).<Double>getAs("loss_mean"))
        .isEqualTo(metrics(dir.resolve("shaded-metrics")).get(0).<Double>getAs("loss_mean"));
  }

  /**
   * --output-table through spark-submit: an Iceberg table (its runtime on the classpath, a Hadoop
   * catalog) and a session-catalog Parquet table hold the Parquet directory's rows bit for bit.
   */
  @Test
  void catalogTablesHoldTheDirectorysBits() throws Exception {
    TestLines.assumeDefaultLine(); // every line's Iceberg runtime and both V1 writes are tested in-process by CatalogTableTest
    String warehouse = dir.resolve("iceberg").toUri().toString();
    spark().conf().set("spark.sql.catalog.submitted", "org.apache.iceberg.spark.SparkCatalog");
    spark().conf().set("spark.sql.catalog.submitted.type", "hadoop");
    spark().conf().set("spark.sql.catalog.submitted.warehouse", warehouse);
    spark().sql("CREATE NAMESPACE IF NOT EXISTS submitted.evals");
    Path output = dir.resolve("table-metrics");
    Result iceberg = submit("local[2]", oneFile, output, "t1", "--conf", "spark.sql.catalog.ice=org.apache.iceberg.spark.SparkCatalog",
        "--conf", "spark.sql.catalog.ice.type=hadoop", "--conf", "spark.sql.catalog.ice.warehouse=" + warehouse,
        "--", "--output-table", "ice.evals.metrics");
    assertThat(iceberg.code()).as(iceberg.log()).isZero();
    Path sessionWarehouse = dir.resolve("session-warehouse");
    Result session = submit("local[2]", oneFile, dir.resolve("table-metrics-2"), "t1",
        "--conf", "spark.sql.warehouse.dir=" + sessionWarehouse.toUri(), "--", "--output-table", "default.xent_metrics");
    assertThat(session.code()).as(session.log()).isZero();
    String columns = "slice, model, rows, weight_sum, loss_sum, loss_mean, loss_stddev, ci95_low, ci95_high, label_mean,"
        + " prediction_mean, normalized_entropy, calibration_ratio, ece, hex(loss_state)";
    List<Row> fromDirectory = spark().read().parquet(output.resolve("run_id=t1").toString()).selectExpr(columns.split(", "))
        .orderBy("slice", "model").collectAsList();
    assertThat(fromDirectory).hasSize(4);
    assertThat(spark().table("submitted.evals.metrics").where("run_id = 't1'").selectExpr(columns.split(", "))
        .orderBy("slice", "model").collectAsList()).isEqualTo(fromDirectory);
    // the session catalog of that JVM is gone with it (no Hive metastore here): its files remain
    assertThat(spark().read().parquet(sessionWarehouse.resolve("xent_metrics").toString()).where("run_id = 't1'")
        .selectExpr(columns.split(", ")).orderBy("slice", "model").collectAsList()).isEqualTo(fromDirectory);
  }

  @Test
  void userMistakesExitTwoWithOneLineAndNoStackTrace() throws Exception {
    Result result = run("local[1]", "--input", oneFile.toString(), "--output", dir.resolve("never").toString(),
        "--label", "y", "--logit", "logit");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.log()).contains("error: column `y` (--label) is not in the input; its columns are model, label, logit, weight")
        .doesNotContain("\tat ");
    assertThat(Files.exists(dir.resolve("never"))).isFalse();
  }

  /** With Spark's default logging (INFO), the job's error line is still the last thing printed. */
  @Test
  void theErrorLineIsLastEvenWithSparksDefaultLogging() throws Exception {
    Result result = SparkSubmitProcess.start(dir, JAR, "local[1]", false, "--input", oneFile.toString(),
        "--output", dir.resolve("never-2").toString(), "--label", "label", "--logit", "logit", "--where", "label = = 1").await();
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.lastLine()).startsWith("error: --where label = = 1: [PARSE_SYNTAX_ERROR]");
    // a few INFO lines come before the context applies the level; Spark's 80 and more do not
    assertThat(result.log().lines().count()).as(result.log()).isLessThan(12);
    assertThat(result.log()).doesNotContain("\tat ");
  }

  private static List<Row> metrics(Path output) {
    return spark().read().parquet(output.toString()).orderBy("slice", "model").collectAsList();
  }

  private static Result submit(String master, Path input, Path output, String runId, String... sparkOptions)
      throws Exception {
    // options after a -- among the given ones are the job's
    List<String> given = Arrays.asList(sparkOptions);
    int separator = given.indexOf("--");
    List<String> args = new ArrayList<>(separator < 0 ? given : given.subList(0, separator));
    List<String> jobOptions = separator < 0 ? List.of() : given.subList(separator + 1, given.size());
    args.add("--");
    args.addAll(List.of("--input", input.toString(), "--output", output.toString(), "--label", "label",
        "--logit", "logit", "--weight", "weight", "--slice", "model", "--run-id", runId));
    args.addAll(jobOptions);
    return run(master, args.toArray(new String[0]));
  }

  /** Spark options, then {@code --}, then the job's options (or only the job's options). */
  private static Result run(String master, String... args) throws Exception {
    return SparkSubmitProcess.run(dir, master, args);
  }

  private static Result launch(String jar, String master, String... args) throws Exception {
    return SparkSubmitProcess.start(dir, jar, master, true, args).await();
  }
}
