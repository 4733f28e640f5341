package io.sparkxent.job;

import static io.sparkxent.spark.SharedSpark.spark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.math.CategoricalCrossEntropy;
import io.sparkxent.math.Exact;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationJobTest {
  private static final MathContext WIDE = new MathContext(200, RoundingMode.HALF_EVEN);
  private static final String[] MODELS = {"a", "b"};
  private static final String[] COUNTRIES = {"DE", "US", "IN"};
  private static final int ROWS = 3_000;

  @TempDir
  static Path dir;
  static Path binary;
  static List<double[]> binaryRows = new ArrayList<>();

  @BeforeAll
  static void writePredictions() {
    SplittableRandom random = new SplittableRandom(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      double label = random.nextInt(2);
      double logit = random.nextGaussian() * 4 + (label - 0.5) * 2;
      double weight = 0.5 + random.nextDouble();
      binaryRows.add(new double[] {label, logit, weight, i % 2, i % 3});
      rows.add(RowFactory.create(MODELS[i % 2], COUNTRIES[i % 3], label, logit, weight));
    }
    StructType schema = new StructType()
        .add("model", DataTypes.StringType).add("country", DataTypes.StringType)
        .add("label", DataTypes.DoubleType).add("logit", DataTypes.DoubleType).add("weight", DataTypes.DoubleType);
    binary = dir.resolve("binary");
    spark().createDataFrame(rows, schema).repartition(3).write().parquet(binary.toString());
  }

  private static JobConfig config(Path output, String... extra) {
    return config(binary.toString(), output, extra);
  }

  private static JobConfig config(String inputs, Path output, String... extra) {
    List<String> args = new ArrayList<>(List.of("--input", inputs, "--output", output.toString(),
        "--label", "label", "--logit", "logit"));
    args.addAll(List.of(extra));
    return JobConfig.parse(args.toArray(new String[0])).orElseThrow();
  }

  private static Row find(List<Row> rows, StructType schema, String slice, String model, String country) {
    return rows.stream().filter(row -> row.getString(schema.fieldIndex("slice")).equals(slice)
            && java.util.Objects.equals(row.get(schema.fieldIndex("model")), model)
            && (!schema.getFieldIndex("country").isDefined() || java.util.Objects.equals(row.get(schema.fieldIndex("country")), country)))
        .findFirst().orElseThrow();
  }

  @Test
  void metricsPerSliceEqualIndependentlyComputedExactValues() {
    Path output = dir.resolve("metrics-exact");
    EvaluationJob.Result result = EvaluationJob.evaluate(spark(),
        config(output, "--weight", "weight", "--slice", "model", "--slice", "model,country", "--run-id", "r1"));
    assertThat(result.metricRows).isEqualTo(1 + 2 + 6);
    List<Row> metricRows = MetricsRows.of(result);
    for (String model : new String[] {null, "a", "b"}) {
      BigDecimal weightedLoss = BigDecimal.ZERO;
      BigDecimal weights = BigDecimal.ZERO;
      BigDecimal weightedLabel = BigDecimal.ZERO;
      long count = 0;
      for (double[] row : binaryRows) {
        if (model != null && !MODELS[(int) row[3]].equals(model)) {
          continue;
        }
        BigDecimal w = new BigDecimal(row[2]);
        weightedLoss = weightedLoss.add(w.multiply(new BigDecimal(BinaryCrossEntropy.fromLogit(row[0], row[1]))));
        weights = weights.add(w);
        weightedLabel = weightedLabel.add(w.multiply(new BigDecimal(row[0])));
        count++;
      }
      Row metrics = model == null
          ? result.overall
          : find(metricRows, result.schema, "model", model, null);
      StructType schema = result.schema;
      assertThat(metrics.getLong(schema.fieldIndex("rows"))).isEqualTo(count);
      assertThat(metrics.getDouble(schema.fieldIndex("loss_sum"))).isEqualTo(Exact.correctlyRounded(weightedLoss));
      assertThat(metrics.getDouble(schema.fieldIndex("loss_mean"))).isEqualTo(Exact.correctlyRounded(weightedLoss.divide(weights, WIDE)));
      assertThat(metrics.getDouble(schema.fieldIndex("weight_sum"))).isEqualTo(Exact.correctlyRounded(weights));
      assertThat(metrics.getDouble(schema.fieldIndex("label_mean"))).isEqualTo(Exact.correctlyRounded(weightedLabel.divide(weights, WIDE)));
      double mean = metrics.getDouble(schema.fieldIndex("loss_mean"));
      double stderr = metrics.getDouble(schema.fieldIndex("loss_stderr"));
      assertThat(metrics.getDouble(schema.fieldIndex("ci95_low"))).isEqualTo(mean - 1.959963984540054 * stderr);
      assertThat(metrics.getLong(schema.fieldIndex("skipped_rows"))).isZero();
    }
    Row overall = result.overall;
    assertThat(overall.getString(result.schema.fieldIndex("slice"))).isEqualTo("overall");
    assertThat(overall.isNullAt(result.schema.fieldIndex("model"))).isTrue();
    Row perCountry = find(metricRows, result.schema, "model,country", "b", "IN");
    assertThat(perCountry.getLong(result.schema.fieldIndex("rows"))).isEqualTo(ROWS / 6);

    Dataset<Row> table = spark().read().parquet(output.toString());
    assertThat(table.columns()).contains("run_id", "evaluated_at", "loss_function", "slice", "model", "country",
        "rows", "weight_sum", "loss_sum", "loss_mean", "loss_stddev", "loss_stderr", "ci95_low", "ci95_high",
        "label_mean", "prediction_mean", "skipped_rows", "loss_state");
    assertThat(table.where("run_id = 'r1'").count()).isEqualTo(9);
    assertThat(table.select("loss_function").first().getString(0)).isEqualTo("bce_logits");
    assertThat(Files.exists(output.resolve("run_id=r1").resolve("_summary.json"))).isTrue();
  }

  /** The README's roll-up: three daily runs' states merged in SQL give the week's run, bit for bit. */
  @Test
  void dailyRunsRollUpIntoTheWeekExactly() {
    Path daily = dir.resolve("daily-metrics");
    List<String> days = new ArrayList<>();
    for (int day = 0; day < 3; day++) {
      Path input = dir.resolve("day-" + day);
      spark().read().parquet(binary.toString()).where("pmod(hash(logit), 3) = " + day).write().parquet(input.toString());
      days.add(input.toString());
      EvaluationJob.evaluate(spark(), config(input.toString(), daily, "--weight", "weight", "--slice", "model",
          "--run-id", "day" + day));
    }
    EvaluationJob.Result week = EvaluationJob.evaluate(spark(),
        config(String.join(",", days), dir.resolve("week-metrics"), "--weight", "weight", "--slice", "model", "--run-id", "week"));
    spark().read().parquet(daily.toString()).createOrReplaceTempView("daily_metrics");
    List<Row> rolledUp = spark().sql("SELECT slice, model, loss_state_stats(loss_merge(loss_state)) AS s"
        + " FROM daily_metrics GROUP BY slice, model ORDER BY slice <> 'overall', model").collectAsList();
    List<Row> weekRows = MetricsRows.of(week);
    assertThat(rolledUp).hasSize(3).hasSameSizeAs(weekRows);
    for (int i = 0; i < rolledUp.size(); i++) {
      Row stats = rolledUp.get(i).getAs("s");
      Row expected = weekRows.get(i);
      assertThat(stats.<Long>getAs("rows")).isEqualTo(expected.<Long>getAs("rows"));
      assertThat(stats.<Double>getAs("sum")).isEqualTo(expected.<Double>getAs("loss_sum"));
      assertThat(stats.<Double>getAs("mean")).isEqualTo(expected.<Double>getAs("loss_mean"));
      assertThat(stats.<Double>getAs("weight_sum")).isEqualTo(expected.<Double>getAs("weight_sum"));
      assertThat(stats.<Double>getAs("stddev")).isEqualTo(expected.<Double>getAs("loss_stddev"));
      assertThat(stats.<Double>getAs("stderr")).isEqualTo(expected.<Double>getAs("loss_stderr"));
    }
  }

  @Test
  void rerunReplacesOnlyItsPartitionAndFailedRunsPublishNothing() throws Exception {
    Path output = dir.resolve("metrics-rerun");
    EvaluationJob.evaluate(spark(), config(output, "--run-id", "day1"));
    EvaluationJob.evaluate(spark(), config(output, "--run-id", "day2", "--slice", "model"));
    EvaluationJob.evaluate(spark(), config(output, "--run-id", "day2", "--label-smoothing", "0.1"));
    Dataset<Row> table = spark().read().parquet(output.toString());
    assertThat(table.where("run_id = 'day1'").count()).isEqualTo(1);
    assertThat(table.where("run_id = 'day2'").count()).isEqualTo(1);
    assertThat(table.where("run_id = 'day2'").select("loss_function").first().getString(0)).isEqualTo("bce_logits(ls=0.1)");
    // a failing run: invalid rows with --on-invalid fail
    Path bad = dir.resolve("bad-labels");
    spark().sql("SELECT IF(id = 5, 1.5, 1.0) AS label, CAST(id AS DOUBLE) AS logit FROM range(10)")
        .write().parquet(bad.toString());
    JobConfig failing = JobConfig.parse(new String[] {"--input", bad.toString(), "--output", output.toString(),
        "--label", "label", "--logit", "logit", "--run-id", "day3"}).orElseThrow();
    assertThatThrownBy(() -> EvaluationJob.evaluate(spark(), failing))
        .isInstanceOf(EvaluationJob.InvalidRowsException.class)
        .hasMessageStartingWith("label column `label` = 1.5 is outside [0, 1] (1 invalid row(s); nothing was written;");
    try (Stream<Path> entries = Files.list(output)) {
      assertThat(entries.map(path -> path.getFileName().toString()))
          .containsExactlyInAnyOrder("run_id=day1", "run_id=day2");
    }
  }

  // Only our aggregates in the GROUPING SETS query: it runs in the exact operators, not Spark's
  // ObjectHashAggregate (one other aggregate, such as count_if, would send it there).
  @Test
  void sliceAggregationRunsInTheExactOperators() {
    spark().sql("SELECT 0.5D AS _xent_loss, 1D AS _xent_label_value, 0.4D AS _xent_prediction_value,"
        + " 0D AS _xent_label_rest, CAST(NULL AS STRING) AS _xent_invalid, 2D AS " + LossSpec.WEIGHT + ", 'a' AS model")
        .createOrReplaceTempView("scored_for_plan");
    JobConfig config = config(dir.resolve("unused"), "--weight", "weight", "--slice", "model");
    LossSpec binaryLoss = LossSpec.of(config, InputColumns.of(config, spark().read().parquet(binary.toString()).schema()));
    Dataset<Row> metrics = new SliceMetrics(config, binaryLoss)
        .aggregate(spark().table("scored_for_plan"));
    assertThat(metrics.collectAsList()).hasSize(2);
    assertThat(metrics.queryExecution().executedPlan().toString())
        .contains("ExactFinalAggregate").doesNotContain("ObjectHashAggregate");
  }

  @Test
  void skippedRowsAreCountedPerSlice() {
    Path input = dir.resolve("with-invalid");
    spark().sql("SELECT IF(id % 2 = 0, 'a', 'b') AS model, CASE WHEN id = 3 THEN NULL WHEN id = 4 THEN 2.0 ELSE 1.0 END AS label,"
        + " IF(id = 7, double('NaN'), CAST(id AS DOUBLE)) AS logit, IF(id = 8, -1.0, 1.0) AS weight FROM range(20)")
        .write().parquet(input.toString());
    JobConfig config = JobConfig.parse(new String[] {"--input", input.toString(), "--output", dir.resolve("skip-out").toString(),
        "--label", "label", "--logit", "logit", "--weight", "weight", "--slice", "model", "--on-invalid", "skip"}).orElseThrow();
    EvaluationJob.Result result = EvaluationJob.evaluate(spark(), config);
    StructType schema = result.schema;
    assertThat(result.overall.getLong(schema.fieldIndex("skipped_rows"))).isEqualTo(4);
    assertThat(result.overall.getLong(schema.fieldIndex("rows"))).isEqualTo(16);
    assertThat(find(MetricsRows.of(result), schema, "model", "a", null).getLong(schema.fieldIndex("skipped_rows"))).isEqualTo(2);
    assertThat(find(MetricsRows.of(result), schema, "model", "b", null).getLong(schema.fieldIndex("skipped_rows"))).isEqualTo(2);
  }

  @Test
  void badColumnsAndOptionsExitTwoWithOneLine() {
    String[] base = {"--input", binary.toString(), "--output", dir.resolve("never").toString()};
    assertThat(exitCode(base, "--label", "y_true", "--logit", "logit"))
        .isEqualTo(new Outcome(2, "error: column `y_true` (--label) is not in the input; its columns are model, country, label, logit, weight"));
    assertThat(exitCode(base, "--label", "model", "--logit", "logit"))
        .isEqualTo(new Outcome(2, "error: column `model` has type string; expected a numeric type (double, float, int, bigint, decimal)"));
    assertThat(exitCode(base, "--label", "label", "--logits", "logit"))
        .isEqualTo(new Outcome(2, "error: column `logit` has type double; expected an array of numbers or an MLlib vector"));
    assertThat(exitCode(base, "--label", "label", "--logit", "logit", "--slice", "region").stderr)
        .startsWith("error: column `region` (--slice) is not in the input");
    assertThat(exitCode(base, "--label", "label", "--logit", "logit", "--pos-weight", "2").stderr)
        .isEqualTo("error: --pos-weight does not apply to bce_logits; it takes --label-smoothing");
    assertThat(exitCode(base, "--label", "label", "--logit", "logit", "--where", "no_such > 1").stderr)
        .startsWith("error: --where no_such > 1: ");
    assertThat(Files.exists(dir.resolve("never"))).isFalse();
  }

  @Test
  void emptyInputGivesTheOverallRowWithZeroRows() {
    Path output = dir.resolve("empty-out");
    EvaluationJob.Result result = EvaluationJob.evaluate(spark(),
        config(output, "--where", "logit > 1e9", "--slice", "model", "--format", "json"));
    assertThat(result.metricRows).isEqualTo(1);
    Row overall = result.overall;
    assertThat(overall.getLong(result.schema.fieldIndex("rows"))).isZero();
    assertThat(overall.isNullAt(result.schema.fieldIndex("loss_mean"))).isTrue();
    assertThat(spark().read().json(output.toString()).count()).isEqualTo(1);
  }

  @Test
  void corruptOrMissingInputExitsOneNamingTheFile() throws Exception {
    Path corrupt = dir.resolve("corrupt");
    Files.createDirectories(corrupt);
    Files.write(corrupt.resolve("part-0.parquet"), "not parquet at all".getBytes());
    Outcome outcome = exitCode(new String[] {"--input", corrupt.toString(), "--output", dir.resolve("c-out").toString(),
        "--label", "label", "--logit", "logit"});
    assertThat(outcome.code).isEqualTo(1);
    assertThat(outcome.stderr).startsWith("error: cannot read").contains("part-0.parquet");
    Outcome missing = exitCode(new String[] {"--input", dir.resolve("nothing-here").toString(), "--output",
        dir.resolve("m-out").toString(), "--label", "label", "--logit", "logit"});
    assertThat(missing.code).isEqualTo(1);
    assertThat(missing.stderr).contains("nothing-here");
  }

  @Test
  void categoricalLogitsScoredOutputAndCsv() {
    Path input = dir.resolve("categorical");
    spark().sql("SELECT CAST(id % 3 AS INT) AS label, array(CAST(id AS DOUBLE), 1.0, -1.0) AS logits FROM range(30)")
        .write().parquet(input.toString());
    Path scored = dir.resolve("scored");
    JobConfig config = JobConfig.parse(new String[] {"--input", input.toString(), "--output", dir.resolve("cat-out").toString(),
        "--label", "label", "--logits", "logits", "--format", "csv", "--scored-output", scored.toString()}).orElseThrow();
    EvaluationJob.Result result = EvaluationJob.evaluate(spark(), config);
    assertThat(result.overall.getString(result.schema.fieldIndex("loss_function"))).isEqualTo("sparse_cce_logits");
    List<Row> losses = spark().read().parquet(scored.toString()).orderBy("label").collectAsList();
    assertThat(losses).hasSize(30);
    Row first = spark().read().parquet(scored.toString()).where("logits[0] = 4.0").first();
    assertThat(first.getDouble(2)).isEqualTo(CategoricalCrossEntropy.sparseFromLogits(1, new double[] {4, 1, -1}));
    assertThat(spark().read().option("header", "true").csv(dir.resolve("cat-out").toString()).count()).isEqualTo(1);
  }

  @Test
  void vectorLabelsAndPredictionsAsMllibWritesThem() {
    Path input = dir.resolve("vectors");
    List<Row> rows = List.of(
        RowFactory.create(org.apache.spark.ml.linalg.Vectors.dense(0, 1, 0), org.apache.spark.ml.linalg.Vectors.dense(0.5, 2.0, -1.0)),
        RowFactory.create(org.apache.spark.ml.linalg.Vectors.sparse(3, new int[] {2}, new double[] {1.0}),
            org.apache.spark.ml.linalg.Vectors.dense(1.0, 0.0, 3.0)));
    StructType schema = new StructType()
        .add("one_hot", org.apache.spark.ml.linalg.SQLDataTypes.VectorType())
        .add("raw", org.apache.spark.ml.linalg.SQLDataTypes.VectorType());
    spark().createDataFrame(rows, schema).write().parquet(input.toString());
    JobConfig config = JobConfig.parse(new String[] {"--input", input.toString(), "--output", dir.resolve("vec-out").toString(),
        "--label", "one_hot", "--logits", "raw"}).orElseThrow();
    EvaluationJob.Result result = EvaluationJob.evaluate(spark(), config);
    Row overall = result.overall;
    assertThat(overall.getString(result.schema.fieldIndex("loss_function"))).isEqualTo("cce_logits");
    double expected = Exact.correctlyRounded(new BigDecimal(CategoricalCrossEntropy.fromLogits(new double[] {0, 1, 0}, new double[] {0.5, 2, -1}))
        .add(new BigDecimal(CategoricalCrossEntropy.fromLogits(new double[] {0, 0, 1}, new double[] {1, 0, 3}))));
    assertThat(overall.getDouble(result.schema.fieldIndex("loss_sum"))).isEqualTo(expected);
  }

  @Test
  void anUnwritableOutputOrALockedRunStopsBeforeAnyDataIsRead() throws Exception {
    Path file = Files.writeString(dir.resolve("metrics-is-a-file"), "x");
    String[] missingInput = {"--input", dir.resolve("no-such-input").toString(), "--label", "label", "--logit", "logit"};
    Outcome unwritable = exitCode(missingInput, "--output", file.toString());
    assertThat(unwritable.code()).isEqualTo(EvaluationJob.FAILED);
    assertThat(unwritable.stderr()).startsWith("error: cannot write " + file)
        .endsWith("is a file, not a directory");
    Path output = dir.resolve("metrics-locked");
    try (RunPublisher other = RunPublisher.open(spark().sparkContext().hadoopConfiguration(),
        new org.apache.hadoop.fs.Path(output.toString(), "run_id=busy"), false)) {
      Outcome locked = exitCode(missingInput, "--output", output.toString(), "--run-id", "busy");
      assertThat(locked.code()).isEqualTo(EvaluationJob.CONCURRENT_RUN);
      assertThat(locked.stderr()).startsWith("error: another run is publishing ").contains("run_id=busy");
    }
  }

  record Outcome(int code, String stderr) {}

  private static Outcome exitCode(String[] base, String... extra) {
    String[] args = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true));
    int code;
    try {
      code = EvaluationJob.run(args);
    } finally {
      System.setErr(original);
    }
    String text = captured.toString().trim();
    return new Outcome(code, text.contains("\n") ? text.substring(0, text.indexOf('\n')) : text);
  }
}
