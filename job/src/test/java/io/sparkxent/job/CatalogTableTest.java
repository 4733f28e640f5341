package io.sparkxent.job;

import static io.sparkxent.spark.SharedSpark.spark;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --output-table} against real catalogs: Apache Iceberg (its Spark runtime, a Hadoop
 * catalog in a temporary warehouse) and Spark's session catalog (a Parquet table). Each step's
 * table is read back and compared with the Parquet directory the same run wrote, bit for bit.
 */
class CatalogTableTest {
  @TempDir
  static Path dir;
  static Path predictions;
  static Path invalid;

  @BeforeAll
  static void catalogsAndData() {
    spark().conf().set("spark.sql.catalog.ice", "org.apache.iceberg.spark.SparkCatalog");
    spark().conf().set("spark.sql.catalog.ice.type", "hadoop");
    spark().conf().set("spark.sql.catalog.ice.warehouse", dir.resolve("iceberg").toUri().toString());
    spark().sql("CREATE NAMESPACE IF NOT EXISTS ice.evals");
    data(dir);
  }

  /** The session catalog's database {@code evals} and the predictions, under {@code root}. */
  static void data(Path root) {
    dir = root;
    spark().sql("CREATE DATABASE IF NOT EXISTS evals LOCATION '" + dir.resolve("session-warehouse").toUri() + "'");
    predictions = dir.resolve("predictions");
    spark().sql("SELECT concat('m', CAST(id % 3 AS STRING)) AS model, IF(id % 2 = 0, 'DE', 'US') AS country,"
        + " CAST(id % 5 = 0 AS DOUBLE) AS label, (rand(3) - 0.4) * 12 AS logit FROM range(6000)")
        .repartition(3).write().parquet(predictions.toString());
    invalid = dir.resolve("invalid");
    spark().sql("SELECT 'm0' AS model, 'DE' AS country, 2.0 AS label, 0.5 AS logit").write().parquet(invalid.toString());
  }

  /** The USING of tables the scenario creates; empty: the catalog's default. */
  static Optional<String> provider = Optional.empty();

  private static EvaluationJob.Result run(String table, String output, String runId, String... extra) {
    List<String> args = new ArrayList<>(List.of("--input", predictions.toString(), "--output-table", table,
        "--label", "label", "--logit", "logit", "--run-id", runId));
    provider.ifPresent(using -> args.addAll(List.of("--output-table-provider", using)));
    if (output != null) {
      args.addAll(List.of("--output", dir.resolve(output).toString()));
    }
    args.addAll(List.of(extra));
    return EvaluationJob.evaluate(spark(), JobConfig.parse(args.toArray(new String[0])).orElseThrow());
  }

  /** A run's rows of the table as text (the state as hex), in a fixed order, without run_id. */
  private static List<String> tableRows(String table, String runId, List<String> columns) {
    return text(spark().table(table).where(col("run_id").equalTo(runId)), columns);
  }

  private static List<String> text(Dataset<Row> rows, List<String> columns) {
    return rows.selectExpr(columns.stream().map(name -> name.equals("loss_state") ? "hex(loss_state) AS loss_state" : "`" + name + "`")
            .toArray(String[]::new))
        .collectAsList().stream().map(Row::toString).sorted().toList();
  }

  /** The table's commits (Iceberg snapshots, Delta versions); -1 where a catalog keeps no history. */
  private static long commits(String table) {
    if (table.startsWith("ice.")) {
      return spark().table(table + ".snapshots").count();
    }
    return provider.equals(Optional.of("delta")) ? spark().sql("DESCRIBE HISTORY " + table).count() : -1;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ice.evals.metrics", "spark_catalog.evals.metrics"})
  void createdAppendedReplacedEvolvedAndNeverHalfWritten(String table) {
    if (table.startsWith("spark_catalog")) {
      TestLines.assumeThorough(); // one 3.5 and one 4.x line: Spark's V1 table writes differ between them
    }
    scenario(table);
  }

  /** Create, append, replace in one commit, evolve, fail invisibly: each step against the directory. */
  static void scenario(String table) {
    String name = table.startsWith("ice") ? "ice" : "session";
    // created on the first run, partitioned by run_id, the same bits as the directory
    EvaluationJob.Result first = run(table, name + "-dir", "r1", "--slice", "model");
    List<String> columns = List.of(first.schema.fieldNames());
    assertThat(tableRows(table, "r1", columns)).isEqualTo(text(first.table(spark()), columns)).hasSize(4);
    String described = spark().sql("DESCRIBE TABLE EXTENDED " + table).collectAsList().toString();
    assertThat(described).containsPattern("# Partition(ing| Information).*run_id");
    assertThat(text(spark().table(CatalogTables.binsTable(table)).where("run_id = 'r1'").drop("run_id"),
        List.of("slice", "model", "bin", "rows", "weight_sum", "mean_prediction", "mean_label")))
        .isEqualTo(text(spark().read().parquet(dir.resolve(name + "-dir/run_id=r1/_calibration").toString()),
            List.of("slice", "model", "bin", "rows", "weight_sum", "mean_prediction", "mean_label")));

    // a second run appends; r1 stays as it was
    run(table, null, "r2", "--slice", "model", "--where", "model <> 'm2'");
    assertThat(tableRows(table, "r1", columns)).isEqualTo(text(first.table(spark()), columns));
    assertThat(tableRows(table, "r2", columns)).hasSize(3);

    // re-running r1 replaces it, in one commit (Iceberg: one snapshot); r2 is untouched
    List<String> r2 = tableRows(table, "r2", columns);
    long before = commits(table);
    EvaluationJob.Result again = run(table, name + "-dir", "r1", "--slice", "model", "--where", "model = 'm0'");
    assertThat(tableRows(table, "r1", columns)).isEqualTo(text(again.table(spark()), columns)).hasSize(2);
    assertThat(tableRows(table, "r2", columns)).isEqualTo(r2);
    if (before >= 0) {
      assertThat(commits(table)).isEqualTo(before + 1);
    }

    // a run with a new slice column and a tag adds them; earlier rows read NULL there
    EvaluationJob.Result evolved = run(table, name + "-dir", "r3", "--slice", "model,country", "--tag", "model_version=7");
    List<String> evolvedColumns = List.of(evolved.schema.fieldNames());
    assertThat(tableRows(table, "r3", evolvedColumns)).isEqualTo(text(evolved.table(spark()), evolvedColumns)).hasSize(7);
    assertThat(spark().table(table).where("run_id = 'r1' AND (country IS NOT NULL OR model_version IS NOT NULL)").count()).isZero();

    // a failed run (invalid rows) commits nothing
    List<String> all = text(spark().table(table), List.of(spark().table(table).columns()));
    long commits = commits(table);
    assertThatThrownBy(() -> EvaluationJob.evaluate(spark(), JobConfig.parse(new String[] {"--input", invalid.toString(),
        "--output-table", table, "--label", "label", "--logit", "logit", "--run-id", "r4"}).orElseThrow()))
        .isInstanceOf(EvaluationJob.InvalidRowsException.class);
    // a write that fails in a task after others wrote their files commits nothing either
    spark().udf().register("fail_on_m1", (UDF1<String, String>) model -> {
      if ("m1".equals(model)) {
        throw new IllegalStateException("injected task failure");
      }
      return model;
    }, DataTypes.StringType);
    Dataset<Row> failing = spark().table(table).where("run_id = 'r3'").withColumn("model", org.apache.spark.sql.functions
        .call_udf("fail_on_m1", col("model"))).repartition(4);
    assertThatThrownBy(() -> CatalogTables.replaceRun(spark(), table, failing, Optional.empty())).hasStackTraceContaining("injected");
    assertThat(text(spark().table(table), List.of(spark().table(table).columns()))).isEqualTo(all);
    assertThat(commits(table)).isEqualTo(commits);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ice.evals.typed", "spark_catalog.evals.typed"})
  void aTableThatCannotTakeTheRunIsAUsageErrorBeforeAnyRowIsRead(String table) {
    spark().sql("CREATE TABLE " + table + " (run_id STRING, slice STRING, rows STRING) USING "
        + (table.startsWith("ice") ? "iceberg" : "parquet") + " PARTITIONED BY (run_id)");
    assertThatThrownBy(() -> run(table, null, "r1"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--output-table " + table + ": column rows is STRING in the table and BIGINT in this run");
    assertThat(spark().table(table).count()).isZero();
  }

  @org.junit.jupiter.api.Test
  void anUnknownCatalogIsAUsageError() {
    assertThatThrownBy(() -> run("nowhere.evals.metrics", null, "r1"))
        .isInstanceOf(UsageException.class).hasMessageStartingWith("--output-table nowhere.evals.metrics: ");
  }

  @org.junit.jupiter.api.Test
  void aRunWithOnlyATableStagesAndLeavesNothingBehind() throws Exception {
    // our staging and report code over one Iceberg table: every line's Iceberg runtime is the test above
    TestLines.assumeThorough();
    Path staging = dir.resolve("staging");
    Path report = dir.resolve("only-table-report.html");
    EvaluationJob.Result result = run("ice.evals.only_table", null, "r1", "--staging-dir", staging.toString(),
        "--report", report.toString());
    assertThat(result.location).isEqualTo("ice.evals.only_table");
    assertThat(result.table(spark()).count()).isEqualTo(1);
    assertThat(Files.readString(report)).contains("spark-xent run r1");
    // the report mode rebuilds it from the table and its bins table (no predictions read)
    run("ice.evals.only_table", null, "r2", "--staging-dir", staging.toString());
    Path rebuilt = dir.resolve("rebuilt.html");
    assertThat(ReportJob.run(new String[] {"--output-table", "ice.evals.only_table", "--report", rebuilt.toString()})).isZero();
    assertThat(Files.readString(rebuilt)).contains("spark-xent run r2").contains("against run r1")
        .contains("data-runs=\"2\"").contains("class=\"mark calibration-bin\"");
    try (var left = Files.walk(staging)) {
      assertThat(left.filter(Files::isRegularFile).toList()).isEmpty();
    }
  }
}
