package io.sparkxent.job;

import static io.sparkxent.spark.SharedSpark.spark;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Normalized entropy, calibration ratio, small slices and gates, per slice, against figures
 * computed here from the rows in BigDecimal (never the job's formulas): NE within 10 ulp, the
 * calibration ratio within 2 ulp.
 */
class BeyondTheMeanTest {
  private static final MathContext WIDE = new MathContext(120, RoundingMode.HALF_EVEN);
  private static final int ROWS = 3_000;
  private static final List<double[]> BINARY = new ArrayList<>();
  private static final List<double[]> CLASSES = new ArrayList<>();

  @TempDir
  static Path dir;
  static Path binary;
  static Path categorical;

  @BeforeAll
  static void predictions() {
    SplittableRandom random = new SplittableRandom(41);
    List<Row> rows = new ArrayList<>();
    List<Row> classRows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      int model = i % 2;
      // model b predicts worse and more rarely positive labels
      double label = random.nextInt(model == 0 ? 2 : 5) == 0 ? 1 : 0;
      double logit = random.nextGaussian() * 3 + (label - 0.5) * (model == 0 ? 4 : 1);
      double weight = 0.5 + random.nextDouble();
      // an older model on the same rows: noise without signal
      double baseline = random.nextGaussian() * 4;
      BINARY.add(new double[] {model, i % 3, label, logit, weight, baseline});
      rows.add(RowFactory.create(model == 0 ? "a" : "b", new String[] {"DE", "US", "IN"}[i % 3], label, logit, weight,
          baseline));
      int klass = random.nextInt(10) < 6 ? 0 : random.nextInt(3);
      double[] logits = {random.nextGaussian() * 2 + (klass == 0 ? 1 : 0), random.nextGaussian(), random.nextGaussian()};
      CLASSES.add(new double[] {klass, logits[0], logits[1], logits[2]});
      classRows.add(RowFactory.create(klass, logits));
    }
    binary = dir.resolve("binary");
    spark().createDataFrame(rows, new StructType().add("model", DataTypes.StringType).add("country", DataTypes.StringType)
            .add("label", DataTypes.DoubleType).add("logit", DataTypes.DoubleType).add("weight", DataTypes.DoubleType)
            .add("baseline", DataTypes.DoubleType))
        .repartition(3).write().parquet(binary.toString());
    categorical = dir.resolve("categorical");
    spark().createDataFrame(classRows, new StructType().add("label", DataTypes.IntegerType)
            .add("logits", DataTypes.createArrayType(DataTypes.DoubleType)))
        .repartition(2).write().parquet(categorical.toString());
  }

  private static JobConfig config(Path input, String output, String... extra) {
    List<String> args = new ArrayList<>(List.of("--input", input.toString(), "--output", dir.resolve(output).toString(),
        "--label", "label"));
    args.addAll(List.of(extra));
    return JobConfig.parse(args.toArray(new String[0])).orElseThrow();
  }

  private static BigDecimal entropy(Map<Integer, BigDecimal> weights) {
    return Exact.entropy(weights.values());
  }

  @Test
  void binaryNormalizedEntropyAndCalibrationPerSlice() {
    for (boolean weighted : new boolean[] {true, false}) {
      List<String> options = new ArrayList<>(List.of("--logit", "logit", "--slice", "model"));
      if (weighted) {
        options.addAll(List.of("--weight", "weight"));
      }
      EvaluationJob.Result result = EvaluationJob.evaluate(spark(),
          config(binary, "binary-out-" + weighted, options.toArray(new String[0])));
      List<Row> rows = MetricsRows.of(result);
      for (Row row : rows) {
        String model = row.getAs("model");
        BigDecimal loss = BigDecimal.ZERO;
        BigDecimal weights = BigDecimal.ZERO;
        BigDecimal positives = BigDecimal.ZERO;
        BigDecimal predicted = BigDecimal.ZERO;
        for (double[] r : BINARY) {
          if (model != null && r[0] != (model.equals("a") ? 0 : 1)) {
            continue;
          }
          BigDecimal w = weighted ? new BigDecimal(r[4]) : BigDecimal.ONE;
          loss = loss.add(w.multiply(new BigDecimal(BinaryCrossEntropy.fromLogit(r[2], r[3]))));
          weights = weights.add(w);
          positives = positives.add(w.multiply(new BigDecimal(r[2])));
          // the job's predicted probability of a logit, as documented: 1 / (1 + exp(-x))
          predicted = predicted.add(w.multiply(new BigDecimal(1 / (1 + StrictMath.exp(-r[3])))));
        }
        BigDecimal h = entropy(Map.of(1, positives, 0, weights.subtract(positives)));
        Exact.assertWithinUlps(row.getAs("normalized_entropy"), loss.divide(weights, WIDE).divide(h, WIDE), 10,
            "normalized entropy of " + model + (weighted ? ", weighted" : ""));
        Exact.assertWithinUlps(row.getAs("calibration_ratio"), predicted.divide(positives, WIDE), 2,
            "calibration ratio of " + model + (weighted ? ", weighted" : ""));
      }
      if (!weighted) {
        continue;
      }
      // the worse model: higher normalized entropy
      assertThat(rows.get(2).<Double>getAs("normalized_entropy")).isGreaterThan(rows.get(1).<Double>getAs("normalized_entropy"));
    }
  }

  @Test
  void categoricalNormalizedEntropyAndTopLabelCalibration() {
    EvaluationJob.Result result = EvaluationJob.evaluate(spark(), config(categorical, "categorical-out", "--logits", "logits"));
    Row overall = result.overall;
    BigDecimal loss = BigDecimal.ZERO;
    BigDecimal confidence = BigDecimal.ZERO;
    BigDecimal correct = BigDecimal.ZERO;
    Map<Integer, BigDecimal> counts = new TreeMap<>();
    Map<Integer, BigDecimal[]> bins = new TreeMap<>();
    for (double[] r : CLASSES) {
      double[] logits = {r[1], r[2], r[3]};
      loss = loss.add(new BigDecimal(CategoricalCrossEntropy.sparseFromLogits((int) r[0], logits)));
      counts.merge((int) r[0], BigDecimal.ONE, BigDecimal::add);
      int argmax = 0;
      for (int c = 1; c < 3; c++) {
        argmax = logits[c] > logits[argmax] ? c : argmax;
      }
      // the job's probability of the arg-max class, as documented: 1 / sum exp(x_c - max), in double
      double sum = 0;
      for (double x : logits) {
        sum = sum + StrictMath.exp(x - logits[argmax]);
      }
      double p = 1 / sum;
      confidence = confidence.add(new BigDecimal(p));
      int bin = Math.min((int) Math.floor(p * 10), 9);
      BigDecimal[] sums = bins.computeIfAbsent(bin, b -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
      sums[0] = sums[0].add(BigDecimal.ONE);
      sums[1] = sums[1].add(new BigDecimal(p));
      sums[2] = sums[2].add(argmax == (int) r[0] ? BigDecimal.ONE : BigDecimal.ZERO);
      correct = correct.add(argmax == (int) r[0] ? BigDecimal.ONE : BigDecimal.ZERO);
    }
    BigDecimal rows = BigDecimal.valueOf(ROWS);
    Exact.assertWithinUlps(overall.getAs("normalized_entropy"), loss.divide(rows, WIDE).divide(entropy(counts), WIDE), 10,
        "categorical normalized entropy");
    Exact.assertWithinUlps(overall.getAs("calibration_ratio"), confidence.divide(correct, WIDE), 2,
        "top-label calibration ratio");
    BigDecimal ece = BigDecimal.ZERO;
    for (BigDecimal[] sums : bins.values()) {
      ece = ece.add(sums[0].multiply(sums[1].divide(sums[0], WIDE).subtract(sums[2].divide(sums[0], WIDE)).abs()));
    }
    assertThat(overall.<Double>getAs("ece")).isCloseTo(ece.divide(rows, WIDE).doubleValue(),
        org.assertj.core.data.Offset.offset(4 * Math.ulp(1.0) / 2));
  }

  /**
   * The paired comparison against BigDecimal figures of the rows: the baseline's exact mean, the
   * mean of the per-row differences (each difference rounded once, as the job computes it: within
   * half an ulp of the result plus 2^-53 of the mean absolute difference), its standard error with
   * Kish's effective sample size, the interval and the weighted share of rows the candidate wins.
   */
  @Test
  void pairedComparisonWithABaselineModel() {
    EvaluationJob.Result result = EvaluationJob.evaluate(spark(), config(binary, "paired-out", "--logit", "logit",
        "--weight", "weight", "--slice", "model", "--baseline-logit", "baseline"));
    for (Row row : MetricsRows.of(result)) {
      String model = row.getAs("model");
      BigDecimal weights = BigDecimal.ZERO;
      BigDecimal baselineLoss = BigDecimal.ZERO;
      BigDecimal delta = BigDecimal.ZERO;
      BigDecimal deltaSquares = BigDecimal.ZERO;
      BigDecimal weightSquares = BigDecimal.ZERO;
      BigDecimal absolute = BigDecimal.ZERO;
      BigDecimal won = BigDecimal.ZERO;
      for (double[] r : BINARY) {
        if (model != null && r[0] != (model.equals("a") ? 0 : 1)) {
          continue;
        }
        BigDecimal w = new BigDecimal(r[4]);
        double candidate = BinaryCrossEntropy.fromLogit(r[2], r[3]);
        double older = BinaryCrossEntropy.fromLogit(r[2], r[5]);
        BigDecimal d = new BigDecimal(candidate - older);
        weights = weights.add(w);
        weightSquares = weightSquares.add(w.multiply(w));
        baselineLoss = baselineLoss.add(w.multiply(new BigDecimal(older)));
        delta = delta.add(w.multiply(d));
        deltaSquares = deltaSquares.add(w.multiply(d).multiply(d));
        absolute = absolute.add(w.multiply(new BigDecimal(candidate).subtract(new BigDecimal(older)).abs()));
        won = won.add(candidate < older ? w : BigDecimal.ZERO);
      }
      assertThat(row.<Double>getAs("baseline_loss_mean")).isEqualTo(Exact.correctlyRounded(baselineLoss.divide(weights, WIDE)));
      BigDecimal meanDelta = delta.divide(weights, WIDE);
      assertThat(row.<Double>getAs("loss_mean_delta")).isEqualTo(Exact.correctlyRounded(meanDelta));
      assertThat(row.<Double>getAs("better_rows_share")).isEqualTo(Exact.correctlyRounded(won.divide(weights, WIDE)));
      // the weighted sample variance with Kish's effective sample size, / n_eff, rooted
      BigDecimal variance = weights.multiply(deltaSquares).subtract(delta.multiply(delta))
          .divide(weights.multiply(weights).subtract(weightSquares), WIDE);
      BigDecimal effective = weights.multiply(weights).divide(weightSquares, WIDE);
      double stderr = Math.sqrt(variance.divide(effective, WIDE).doubleValue());
      assertThat(row.<Double>getAs("delta_stderr")).isCloseTo(stderr, org.assertj.core.data.Offset.offset(stderr * 1e-12));
      assertThat(row.<Double>getAs("delta_ci95_low"))
          .isEqualTo(row.<Double>getAs("loss_mean_delta") - 1.959963984540054 * row.<Double>getAs("delta_stderr"));
      // the candidate separates better: it wins, and the interval lies below 0
      assertThat(row.<Double>getAs("delta_ci95_high")).isNegative();
      assertThat(absolute.signum()).isPositive();
    }
    // a gate on the comparison: relative change, and an interval that excludes no change
    Outcome gated = run(binary, "paired-gated", "--baseline-logit", "baseline", "--gate-slices", "all",
        "--fail-if", "loss_mean_delta / baseline_loss_mean > -0.01", "--fail-if", "delta_ci95_low > 0");
    assertThat(gated.code()).as(gated.stderr()).isZero(); // better by more than 1% everywhere: no gate fails
    Outcome strict = run(binary, "paired-strict", "--baseline-logit", "baseline",
        "--fail-if", "loss_mean_delta / baseline_loss_mean > -0.99");
    assertThat(strict.code()).isEqualTo(EvaluationJob.GATE_FAILED);
    assertThat(strict.stderr()).contains("gate failed: overall: loss_mean_delta / baseline_loss_mean > -0.99");
  }

  @Test
  void baselineMistakesAreOneLine() {
    Outcome kind = run(binary, "never-paired", "--baseline-prob", "baseline");
    assertThat(kind.code()).isEqualTo(EvaluationJob.USAGE);
    assertThat(kind.stderr().strip()).isEqualTo(
        "error: --baseline-prob needs --prob: the baseline is scored with the candidate's loss (the candidate has --logit)");
    Outcome missing = run(binary, "never-paired", "--baseline-logit", "older");
    assertThat(missing.stderr().strip()).startsWith("error: column `older` (--baseline-logit) is not in the input");
  }

  /**
   * The calibration bins (exact per-bin means) and ece = sum_b W_b/W |P_b - Y_b| against exact
   * rationals: the means to the bit, ece within 4 * 2^-53 absolute (two rounded means per bin, one
   * subtraction, one exact weighted mean).
   */
  @Test
  void calibrationBinsAndExpectedCalibrationError() {
    EvaluationJob.Result result = EvaluationJob.evaluate(spark(), config(binary, "calibration-out", "--logit", "logit",
        "--weight", "weight", "--slice", "model", "--calibration-bins", "8"));
    List<Row> binRows = spark().read().parquet(dir.resolve("calibration-out/run_id=" + result.location
        .substring(result.location.indexOf("run_id=") + 7)).resolve("_calibration").toString()).collectAsList();
    for (Row row : MetricsRows.of(result)) {
      String model = row.getAs("model");
      Map<Integer, BigDecimal[]> bins = new TreeMap<>();
      BigDecimal total = BigDecimal.ZERO;
      for (double[] r : BINARY) {
        if (model != null && r[0] != (model.equals("a") ? 0 : 1)) {
          continue;
        }
        double p = 1 / (1 + StrictMath.exp(-r[3]));
        int bin = Math.min((int) Math.floor(p * 8), 7);
        BigDecimal w = new BigDecimal(r[4]);
        BigDecimal[] sums = bins.computeIfAbsent(bin, b -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
        sums[0] = sums[0].add(w);
        sums[1] = sums[1].add(w.multiply(new BigDecimal(p)));
        sums[2] = sums[2].add(w.multiply(new BigDecimal(r[2])));
        total = total.add(w);
      }
      BigDecimal ece = BigDecimal.ZERO;
      for (Map.Entry<Integer, BigDecimal[]> bin : bins.entrySet()) {
        BigDecimal[] sums = bin.getValue();
        BigDecimal meanP = sums[1].divide(sums[0], WIDE);
        BigDecimal meanY = sums[2].divide(sums[0], WIDE);
        ece = ece.add(sums[0].multiply(meanP.subtract(meanY).abs()));
        Row written = binRows.stream().filter(b -> b.getAs("slice").equals(row.getAs("slice"))
            && java.util.Objects.equals(b.getAs("model"), model) && b.<Integer>getAs("bin").equals(bin.getKey()))
            .findFirst().orElseThrow();
        assertThat(written.<Double>getAs("weight_sum")).isEqualTo(Exact.correctlyRounded(sums[0]));
        assertThat(written.<Double>getAs("mean_prediction")).isEqualTo(Exact.correctlyRounded(meanP));
        assertThat(written.<Double>getAs("mean_label")).isEqualTo(Exact.correctlyRounded(meanY));
        assertThat(written.<Double>getAs("bin_low")).isEqualTo(bin.getKey() / 8.0);
      }
      double exact = ece.divide(total, WIDE).doubleValue();
      assertThat(row.<Double>getAs("ece")).as("ece of " + model).isCloseTo(exact,
          org.assertj.core.data.Offset.offset(4 * Math.ulp(1.0) / 2));
      assertThat(binRows.stream().filter(b -> b.getAs("slice").equals(row.getAs("slice"))
          && java.util.Objects.equals(b.getAs("model"), model)).count()).isEqualTo(bins.size());
    }
  }

  /** Every new figure has the same bits whatever the files, their order and their partitioning. */
  @Test
  void sameBitsForAnyPartitioning() {
    Path shuffled = dir.resolve("shuffled");
    spark().read().parquet(binary.toString()).orderBy(org.apache.spark.sql.functions.rand(3)).repartition(7)
        .write().parquet(shuffled.toString());
    String[] options = {"--logit", "logit", "--weight", "weight", "--slice", "model", "--slice", "model,country",
        "--baseline-logit", "baseline"};
    List<Row> one = MetricsRows.of(EvaluationJob.evaluate(spark(), config(binary, "bits-one", options)));
    List<Row> other = MetricsRows.of(EvaluationJob.evaluate(spark(), config(shuffled, "bits-other", options)));
    assertThat(other).hasSameSizeAs(one);
    assertThat(SliceMetrics.JOB_COLUMNS).as("the job's own columns, which tags may not take")
        .containsAll(java.util.Arrays.stream(one.get(0).schema().fieldNames()).filter(name -> !name.equals("model")
            && !name.equals("country")).toList());
    for (int i = 0; i < one.size(); i++) {
      for (String metric : List.of("loss_mean", "normalized_entropy", "calibration_ratio", "ece", "baseline_loss_mean",
          "loss_mean_delta", "delta_stderr", "better_rows_share")) {
        assertThat(Double.doubleToRawLongBits(other.get(i).getAs(metric))).as(metric + " of row " + i)
            .isEqualTo(Double.doubleToRawLongBits(one.get(i).getAs(metric)));
      }
      assertThat(other.get(i).<byte[]>getAs("loss_state")).isEqualTo(one.get(i).<byte[]>getAs("loss_state"));
    }
  }

  /** --tag KEY=VALUE: a string column on every row of both tables and an entry in _summary.json. */
  @Test
  void tagsGoIntoEveryRowAndTheSummary() throws Exception {
    EvaluationJob.Result result = EvaluationJob.evaluate(spark(), config(binary, "tagged", "--logit", "logit",
        "--slice", "model", "--run-id", "t1", "--tag", "model_version=7", "--tag", "dataset_date=2026-11-24"));
    org.apache.spark.sql.Dataset<Row> metrics = spark().read().parquet(dir.resolve("tagged").toString());
    assertThat(metrics.schema().apply("model_version").dataType()).isEqualTo(DataTypes.StringType);
    assertThat(metrics.where("model_version = '7' AND dataset_date = '2026-11-24'").count()).isEqualTo(3);
    assertThat(spark().read().parquet(dir.resolve("tagged/run_id=t1/_calibration").toString())
        .where("model_version = '7'").count()).isPositive();
    assertThat(Files.readString(dir.resolve("tagged/run_id=t1/_summary.json")))
        .contains("\"tags\" : {", "\"model_version\" : \"7\"", "\"dataset_date\" : \"2026-11-24\"");
    assertThat(result.overall.<String>getAs("dataset_date")).isEqualTo("2026-11-24");
    Outcome clash = run(binary, "never-tagged", "--tag", "loss_mean=1");
    assertThat(clash.stderr().strip())
        .isEqualTo("error: --tag loss_mean names a column the metrics table has already; pick another key");
    Outcome sliceClash = run(binary, "never-tagged", "--tag", "country=DE");
    assertThat(sliceClash.code()).isEqualTo(EvaluationJob.USAGE);
    Outcome malformed = run(binary, "never-tagged", "--tag", "model version");
    assertThat(malformed.code()).isEqualTo(EvaluationJob.USAGE);
  }

  /** PyTorch's ignore_index: rows of that class are left out, not invalid, and counted. */
  @Test
  void ignoredClassRowsAreCountedNotScored() {
    Path withIgnored = dir.resolve("with-ignored");
    spark().read().parquet(categorical.toString())
        .selectExpr("IF(pmod(hash(logits), 7) = 0, -100, label) AS label", "logits")
        .write().parquet(withIgnored.toString());
    long ignored = spark().read().parquet(withIgnored.toString()).where("label = -100").count();
    assertThat(ignored).isPositive();
    EvaluationJob.Result result = EvaluationJob.evaluate(spark(),
        config(withIgnored, "ignored-out", "--logits", "logits", "--ignore-index", "-100"));
    EvaluationJob.Result filtered = EvaluationJob.evaluate(spark(),
        config(withIgnored, "filtered-out", "--logits", "logits", "--where", "label <> -100"));
    assertThat(result.overall.<Long>getAs("ignored_rows")).isEqualTo(ignored);
    assertThat(result.overall.<Long>getAs("skipped_rows")).isZero();
    for (String metric : List.of("rows", "loss_sum", "loss_mean", "loss_stddev", "normalized_entropy", "calibration_ratio")) {
      assertThat(result.overall.<Object>getAs(metric)).as(metric).isEqualTo(filtered.overall.getAs(metric));
    }
    Outcome binaryIgnore = run(binary, "never-ignored", "--ignore-index", "-100");
    assertThat(binaryIgnore.stderr().strip()).isEqualTo(
        "error: --ignore-index applies to class-index labels (sparse_cce, sparse_cce_logits); the loss is bce_logits");
  }

  /** Each metric against the same slice of an earlier run: the difference of the published values. */
  @Test
  void deltasAgainstAnEarlierRun() {
    Path output = dir.resolve("runs");
    Path firstHalf = dir.resolve("first-half");
    spark().read().parquet(binary.toString()).where("model = 'a' OR country = 'DE'").write().parquet(firstHalf.toString());
    EvaluationJob.evaluate(spark(), JobConfig.parse(new String[] {"--input", firstHalf.toString(), "--output",
        output.toString(), "--label", "label", "--logit", "logit", "--slice", "model,country", "--run-id", "day1"}).orElseThrow());
    EvaluationJob.Result second = EvaluationJob.evaluate(spark(), JobConfig.parse(new String[] {"--input", binary.toString(),
        "--output", output.toString(), "--label", "label", "--logit", "logit", "--slice", "model,country",
        "--run-id", "day2", "--baseline-run", "day1"}).orElseThrow());
    List<Row> earlier = spark().read().parquet(output.resolve("run_id=day1").toString()).collectAsList();
    List<Row> rows = MetricsRows.of(second);
    assertThat(rows).hasSize(7);
    int compared = 0;
    for (Row row : rows) {
      assertThat(row.<String>getAs("baseline_run")).isEqualTo("day1");
      Row before = earlier.stream().filter(e -> e.getAs("slice").equals(row.getAs("slice"))
          && java.util.Objects.equals(e.getAs("model"), row.getAs("model"))
          && java.util.Objects.equals(e.getAs("country"), row.getAs("country"))).findFirst().orElse(null);
      for (String metric : RunComparison.METRICS) {
        Double delta = row.getAs(metric + "_vs_run");
        if (before == null) {
          assertThat(delta).as("a slice day1 did not have").isNull();
        } else {
          assertThat(delta).as(metric).isEqualTo(row.<Double>getAs(metric) - before.<Double>getAs(metric));
        }
      }
      compared += before == null ? 0 : 1;
    }
    assertThat(compared).isEqualTo(5); // overall, a/DE, a/US, a/IN, b/DE
    Outcome missing = run(binary, "runs", "--baseline-run", "day0");
    assertThat(missing.code()).isEqualTo(EvaluationJob.USAGE);
    assertThat(missing.stderr().strip()).isEqualTo("error: --baseline-run day0: no such run in " + dir.resolve("runs")
        + " (its runs: day1, day2)");
  }

  record Outcome(int code, String stderr) {}

  private static Outcome run(Path input, String output, String... extra) {
    List<String> args = new ArrayList<>(List.of("--input", input.toString(), "--output", dir.resolve(output).toString(),
        "--label", "label", "--logit", "logit", "--weight", "weight", "--slice", "model", "--slice", "model,country",
        "--run-id", "gated"));
    args.addAll(List.of(extra));
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true));
    try {
      return new Outcome(EvaluationJob.run(args.toArray(new String[0])), captured.toString());
    } finally {
      System.setErr(original);
    }
  }

  @Test
  void gatesPublishThenExitFourNamingTheFailingSlices() throws Exception {
    double overallMean = EvaluationJob.evaluate(spark(), config(binary, "ungated", "--logit", "logit", "--weight", "weight"))
        .overall.getAs("loss_mean");
    Outcome overall = run(binary, "gated-overall", "--fail-if", "loss_mean > " + (overallMean - 0.01),
        "--fail-if", "normalized_entropy > 5");
    assertThat(overall.code()).as(overall.stderr()).isEqualTo(EvaluationJob.GATE_FAILED);
    assertThat(overall.stderr()).containsPattern("gate failed: overall: loss_mean > [0-9.]+ \\(loss_mean = [0-9.]+\\)\n")
        .endsWith("error: 1 slice(s) failed a --fail-if gate; the metrics are published with failed_gates set\n");
    List<Row> published = spark().read().parquet(dir.resolve("gated-overall").toString())
        .where("failed_gates IS NOT NULL").collectAsList();
    assertThat(published).hasSize(1);
    assertThat(published.get(0).<String>getAs("slice")).isEqualTo("overall");

    // every slice gated; the model,country slices (about 500 rows) are small and not gated
    Outcome all = run(binary, "gated-all", "--fail-if", "loss_mean > 0", "--gate-slices", "all",
        "--min-slice-rows", "600");
    assertThat(all.code()).isEqualTo(EvaluationJob.GATE_FAILED);
    assertThat(all.stderr()).contains("error: 3 slice(s) failed");
    org.apache.spark.sql.Dataset<Row> table = spark().read().parquet(dir.resolve("gated-all").toString());
    assertThat(table.where("small_slice").count()).isEqualTo(6);
    assertThat(table.where("small_slice AND failed_gates IS NOT NULL").count()).isZero();

    Outcome dropped = run(binary, "dropped", "--min-slice-rows", "600", "--drop-small-slices");
    assertThat(dropped.code()).isZero();
    assertThat(spark().read().parquet(dir.resolve("dropped").toString()).count()).isEqualTo(3);
  }

  @Test
  void aBadGateIsAUsageErrorBeforeAnythingIsWritten() {
    Outcome unknown = run(binary, "never-gated", "--fail-if", "loss_maen > 0.3");
    assertThat(unknown.code()).isEqualTo(EvaluationJob.USAGE);
    assertThat(unknown.stderr().strip()).startsWith("error: --fail-if loss_maen > 0.3: ").contains("`loss_maen`")
        .contains("the metrics columns: evaluated_at, loss_function, slice, model, country, rows");
    Outcome notACondition = run(binary, "never-gated", "--fail-if", "loss_mean * 2");
    assertThat(notACondition.stderr().strip())
        .isEqualTo("error: --fail-if loss_mean * 2: expected a condition over the metrics columns, got a double value");
    assertThat(Files.exists(dir.resolve("never-gated"))).isFalse();
  }
}
