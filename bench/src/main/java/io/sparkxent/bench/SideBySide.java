package io.sparkxent.bench;

import io.sparkxent.job.EvaluationJob;
import io.sparkxent.job.JobConfig;
import io.sparkxent.ml.CrossEntropyEvaluator;
import io.sparkxent.spark.dataset.BinaryPrediction;
import io.sparkxent.spark.dataset.LossAggregator;
import io.sparkxent.math.Reduction;
import io.sparkxent.spark.XentConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import static org.apache.spark.sql.functions.col;

/**
 * Times our functions against what users write by hand, in one JVM, interleaved (every case once
 * per round), after warm-up rounds, reporting medians. The hand-written {@code avg(greatest(...))}
 * expression is the 1.00x reference.
 *
 * <p>{@code scripts/bench.sh --rows 20000000 --rounds 5}
 */
public final class SideBySide {
  private static final String HAND_WRITTEN = "hand-written avg(greatest(x,0) - x*z + log1p(exp(-abs(x))))";
  private static final String SCAN_FLOOR = "scan floor: sum(label), sum(logit)";

  private SideBySide() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parse(args);
    long rows = Long.parseLong(options.getOrDefault("rows", "20000000"));
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "2"));
    Path data = Paths.get(options.getOrDefault("data", "bench/data"));
    Path results = Paths.get(options.getOrDefault("results", "bench/results"));

    SparkSession spark = SparkSession.builder()
        .master("local[*]")
        .appName("spark-xent-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    int cores = Runtime.getRuntime().availableProcessors();

    String binaryPath = PredictionData.binary(spark, data, rows);
    spark.read().parquet(binaryPath).createOrReplaceTempView("preds");
    long categoricalRows = Math.max(1, rows / 4);
    String only = options.get("cases"); // a regular expression over case names, for quick looks
    // the 10-class data (a quarter of the rows, 20 doubles each) only when a 10-class case runs:
    // at 200M rows it would be 50M rows of arrays to generate
    boolean categorical = only == null || java.util.regex.Pattern.compile(only).matcher("10-class").find();
    if (categorical) {
      spark.read().parquet(PredictionData.categorical(spark, data, categoricalRows)).createOrReplaceTempView("classes");
    }
    spark.udf().register("naive_bce", (UDF2<Double, Double, Double>) (z, x) ->
        Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x))), DataTypes.DoubleType);

    Map<String, Case> cases = new LinkedHashMap<>();
    cases.put(SCAN_FLOOR, sql(spark, "SELECT sum(label), sum(logit) FROM preds", rows));
    cases.put(HAND_WRITTEN, sql(spark,
        "SELECT avg(greatest(logit, 0) - logit * label + log1p(exp(-abs(logit)))) FROM preds", rows));
    cases.put("plain Java UDF2 + avg", sql(spark, "SELECT avg(naive_bce(label, logit)) FROM preds", rows));
    cases.put("probe: avg(logit)", sql(spark, "SELECT avg(logit) FROM preds", rows));
    cases.put("probe: loss_mean(logit)", sql(spark, "SELECT loss_mean(logit) FROM preds", rows));
    cases.put("probe: GROUP BY bucket, 4 long sums (shape of a two-level exact sum)", sql(spark,
        "SELECT b, sum(d0), sum(d1), sum(d2), sum(d3), count(l) FROM (SELECT l, CAST(l * 4 AS INT) AS b,"
            + " CAST(l * 1e9 AS BIGINT) AS d0, CAST(l * 1e8 AS BIGINT) AS d1, CAST(l * 1e7 AS BIGINT) AS d2,"
            + " CAST(l * 1e6 AS BIGINT) AS d3 FROM (SELECT bce_logits(label, logit) AS l FROM preds)) GROUP BY b", rows));
    cases.put("avg(bce_logits(label, logit))", sql(spark, "SELECT avg(bce_logits(label, logit)) FROM preds", rows));
    cases.put("loss_mean(bce_logits(label, logit)) exact", sql(spark,
        "SELECT loss_mean(bce_logits(label, logit)) FROM preds", rows));
    cases.put("loss_mean(bce_logits(label, logit)) exact, Spark's ObjectHashAggregate route", new Case(rows, () -> {
      spark.conf().set(XentConf.EXACT_AGGREGATE_PLANNING.key(), "false");
      try {
        return spark.sql("SELECT loss_mean(bce_logits(label, logit)) FROM preds").collectAsList();
      } finally {
        spark.conf().unset(XentConf.EXACT_AGGREGATE_PLANNING.key());
      }
    }));
    cases.put("typed Aggregator ds.select(agg.toColumn())", new Case(rows, () -> spark.table("preds")
        .selectExpr("label", "logit", "CAST(NULL AS DOUBLE) AS probability", "CAST(NULL AS DOUBLE) AS weight")
        .as(Encoders.bean(BinaryPrediction.class))
        .select(LossAggregator.bceLogits(Reduction.MEAN).unweighted().toColumn())
        .first()));
    // The evaluators over a stored scored table (MLlib's vectors, as a model's transform wrote
    // them), only when an evaluator case runs: the same DataFrame for both.
    if (only == null || java.util.regex.Pattern.compile(only).matcher("Evaluator").find()) {
      String scoredPath = PredictionData.scored(spark, data, binaryPath, rows);
      Supplier<Dataset<Row>> scored = () -> spark.read().parquet(scoredPath);
      cases.put("MLlib MulticlassClassificationEvaluator(logLoss), stored vectors", new Case(rows, () ->
          new MulticlassClassificationEvaluator().setMetricName("logLoss").evaluate(scored.get())));
      cases.put("CrossEntropyEvaluator, same probability vectors", new Case(rows, () ->
          new CrossEntropyEvaluator().setProbabilityCol("probability").evaluate(scored.get())));
      cases.put("CrossEntropyEvaluator, same rawPrediction vectors", new Case(rows, () ->
          new CrossEntropyEvaluator().setRawPredictionCol("rawPrediction").evaluate(scored.get())));
    }
    // what the job computes, written by hand: weighted sums and means per slice, inexact
    cases.put("GROUPING SETS hand-written (model; model,segment)", sql(spark,
        "SELECT model, segment, count(*), sum(weight), sum(weight * l), sum(weight * l) / sum(weight),"
            + " stddev(l), avg(label), avg(1 / (1 + exp(-logit))) FROM (SELECT *, greatest(logit, 0) - logit * label"
            + " + log1p(exp(-abs(logit))) AS l FROM preds) GROUP BY GROUPING SETS ((), (model), (model, segment))", rows));
    cases.put("GROUPING SETS exact loss_stats (model; model,segment)", sql(spark,
        "SELECT model, segment, loss_stats(bce_logits(label, logit), weight)"
            + " FROM preds GROUP BY GROUPING SETS ((), (model), (model, segment))", rows));
    Path jobOutput = Files.createTempDirectory("xent-bench-job");
    String[] jobArgs = {"--input", binaryPath, "--output", jobOutput.toString(), "--label", "label",
        "--logit", "logit", "--weight", "weight", "--slice", "model", "--slice", "model,segment", "--run-id", "bench"};
    cases.put("evaluation job, same slices (exact, incl. validation and write)", new Case(rows, () ->
        EvaluationJob.evaluate(spark, JobConfig.parse(jobArgs).orElseThrow())));
    if (categorical) {
      cases.put("10-class hand-written aggregate() softmax", sql(spark,
          "SELECT avg(array_max(logits) + ln(aggregate(logits, 0D, (acc, x) -> acc + exp(x - array_max(logits))))"
              + " - element_at(logits, CAST(class_index AS INT) + 1)) FROM classes", categoricalRows));
      cases.put("10-class avg(sparse_cce_logits(class_index, logits))", sql(spark,
          "SELECT avg(sparse_cce_logits(class_index, logits)) FROM classes", categoricalRows));
    }

    if (only != null) {
      cases.keySet().removeIf(name -> !name.equals(HAND_WRITTEN) && !name.equals(SCAN_FLOOR)
          && !java.util.regex.Pattern.compile(only).matcher(name).find());
    }
    Map<String, List<Double>> timings = new LinkedHashMap<>();
    cases.keySet().forEach(name -> timings.put(name, new ArrayList<>()));
    for (int round = 0; round < warmup + rounds; round++) {
      for (Map.Entry<String, Case> entry : cases.entrySet()) {
        long start = System.nanoTime();
        entry.getValue().query.get();
        double millis = (System.nanoTime() - start) / 1e6;
        if (round >= warmup) {
          timings.get(entry.getKey()).add(millis);
        }
        System.out.printf(Locale.ROOT, "round %d %-64s %9.1f ms%n", round, entry.getKey(), millis);
      }
    }

    String table = report(cases, timings, rows, rounds, cores, spark.version());
    System.out.println();
    System.out.println(table);
    Files.createDirectories(results);
    // the line in the name for lines other than the default, so each line's results stay apart
    String line = System.getProperty("xent.line", "4.1_2.13");
    Path file = results.resolve(LocalDate.now() + "-rows" + rows + (line.equals("4.1_2.13") ? "" : "-spark" + line) + ".md");
    Files.writeString(file, table);
    System.out.println("written to " + file);
    spark.stop();
  }

  private static String report(Map<String, Case> cases, Map<String, List<Double>> timings,
      long rows, int rounds, int cores, String sparkVersion) {
    double reference = median(timings.get(HAND_WRITTEN));
    double floor = median(timings.get(SCAN_FLOOR));
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT,
        "%d rows (10-class cases: %d), local[%d] on %d cores, %s %s, Spark %s; median of %d rounds after warm-up.%n%n",
        rows, Math.max(1, rows / 4), cores, cores, System.getProperty("java.vm.name"),
        System.getProperty("java.version"), sparkVersion, rounds));
    out.append("| case | median ms | ns/row per core | vs hand-written | vs scan floor |\n");
    out.append("|---|---:|---:|---:|---:|\n");
    for (Map.Entry<String, List<Double>> entry : timings.entrySet()) {
      double median = median(entry.getValue());
      long caseRows = cases.get(entry.getKey()).rows;
      out.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f | %.2fx | %.2fx |%n",
          entry.getKey(), median, median * 1e6 * cores / caseRows, median / reference, median / floor));
    }
    return out.toString();
  }

  private static Case sql(SparkSession spark, String query, long rows) {
    return new Case(rows, () -> spark.sql(query).collectAsList());
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + Arrays.toString(args));
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  /** A timed query and the rows it reads. */
  private static final class Case {
    final long rows;
    final Supplier<Object> query;

    Case(long rows, Supplier<Object> query) {
      this.rows = rows;
      this.query = query;
    }
  }
}
