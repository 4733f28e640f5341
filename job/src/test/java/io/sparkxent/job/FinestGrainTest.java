package io.sparkxent.job;

import static io.sparkxent.spark.SharedSpark.spark;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's one pass: exact states at the finest grain (every slice column and the calibration
 * bin), merged up to every slicing and bin. Checked against Spark's Expand route over the same
 * scored rows, bit for bit, and by counting the job's scans of its input.
 */
class FinestGrainTest {
  private static final StructType SCORED = new StructType()
      .add("model", DataTypes.StringType).add("country", DataTypes.StringType)
      .add("label", DataTypes.DoubleType).add("logit", DataTypes.DoubleType).add("baseline", DataTypes.DoubleType)
      .add(LossSpec.WEIGHT, DataTypes.DoubleType)
      .add("_xent_invalid", DataTypes.StringType).add("_xent_ignored", DataTypes.BooleanType)
      .add("_xent_loss", DataTypes.DoubleType).add("_xent_label_value", DataTypes.DoubleType)
      .add("_xent_prediction_value", DataTypes.DoubleType).add("_xent_label_rest", DataTypes.DoubleType)
      .add("_xent_cal_prediction", DataTypes.DoubleType).add("_xent_cal_label", DataTypes.DoubleType)
      .add("_xent_baseline_loss", DataTypes.DoubleType).add("_xent_delta", DataTypes.DoubleType);

  @TempDir
  static Path dir;

  /**
   * Scored rows whose sums cancel and span the exponent range (losses from 1e-300 to 1e300, weights
   * from 1e-3 to 1e3), a NULL slice value, invalid rows: where rounding could tell a merge of
   * partial sums from one sum, exact states must not.
   */
  private static Dataset<Row> scored(int rows) {
    SplittableRandom random = new SplittableRandom(29);
    double[] magnitudes = {0, 1e-300, 1e-20, 0.3, 1, 40, 710, 1e20, 1e300};
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      String model = i % 11 == 0 ? null : "m" + (i % 3);
      String country = "c" + random.nextInt(4);
      boolean invalid = i % 17 == 0;
      double loss = magnitudes[random.nextInt(magnitudes.length)] * (1 + random.nextDouble());
      double baseline = magnitudes[random.nextInt(magnitudes.length)] * random.nextDouble();
      double label = random.nextInt(2);
      double p = random.nextDouble();
      double weight = Math.pow(10, random.nextInt(7) - 3) * (0.5 + random.nextDouble());
      list.add(invalid
          ? RowFactory.create(model, country, label, 0d, 0d, weight, "label column `label` is NULL", false,
              null, null, null, null, null, null, null, null)
          : RowFactory.create(model, country, label, 0d, 0d, weight, null, false,
              loss, label, p, 1 - label, p, label, baseline, loss - baseline));
    }
    return spark().createDataFrame(list, SCORED).repartition(4);
  }

  private static JobConfig config(String... extra) {
    List<String> args = new ArrayList<>(List.of("--input", "unused", "--output", "unused", "--label", "label",
        "--logit", "logit", "--weight", LossSpec.WEIGHT, "--slice", "model", "--slice", "model,country",
        "--baseline-logit", "baseline", "--calibration-bins", "7"));
    args.addAll(List.of(extra));
    return JobConfig.parse(args.toArray(new String[0])).orElseThrow();
  }

  private static List<Row> sorted(Dataset<Row> table) {
    List<Row> rows = new ArrayList<>(table.collectAsList());
    rows.sort(Comparator.comparing(Row::toString));
    return rows;
  }

  @Test
  void mergedFromTheFinestGrainEqualsTheExpandRouteBitForBit() {
    JobConfig config = config();
    LossSpec loss = LossSpec.of(config, InputColumns.of(config, SCORED));
    SliceMetrics metrics = new SliceMetrics(config, loss);
    assertThat(metrics.mergeable()).isTrue();
    CalibrationBins calibration = new CalibrationBins(config.calibrationBins(), metrics);
    Timestamp at = Timestamp.valueOf("2026-11-25 12:00:00");
    Dataset<Row> scored = scored(4_000).cache();
    // a different partitioning for the finest step: states merge the same in any grouping
    Dataset<Row> finest = metrics.finestStates(scored.repartition(7), calibration.bin()).cache();

    List<Row> expanded = sorted(metrics.table(metrics.aggregate(scored), at, "bce_logits"));
    List<Row> merged = sorted(metrics.table(metrics.merge(finest), at, "bce_logits"));
    // 1 overall + 4 models (one NULL) + 4 x 4 (model, country)
    assertThat(expanded).hasSize(21);
    assertThat(merged).isEqualTo(expanded);

    List<Row> binsExpanded = sorted(calibration.table(scored, at, "r"));
    List<Row> binsMerged = sorted(calibration.fromStates(finest, at, "r"));
    assertThat(binsExpanded).hasSizeGreaterThan(21 * 5);
    assertThat(binsMerged).isEqualTo(binsExpanded);
    // the finest grain is a grouping of the rows: never more rows than the input
    assertThat(finest.count()).isLessThanOrEqualTo(4 * 4 * 8);
  }

  /** The plans of every query the job ran, and its result. */
  private static List<String> plansOf(Path input, String output, String... extra) {
    List<String> plans = new CopyOnWriteArrayList<>();
    QueryExecutionListener listener = new QueryExecutionListener() {
      @Override
      public void onSuccess(String function, QueryExecution execution, long nanos) {
        plans.add(execution.executedPlan().toString());
      }

      @Override
      public void onFailure(String function, QueryExecution execution, Exception error) {
        plans.add(execution.executedPlan().toString());
      }
    };
    List<String> args = new ArrayList<>(List.of("--input", input.toString(), "--output", dir.resolve(output).toString(),
        "--label", "label", "--logit", "logit", "--run-id", "once"));
    args.addAll(List.of(extra));
    spark().listenerManager().register(listener);
    try {
      EvaluationJob.Result result = EvaluationJob.evaluate(spark(), JobConfig.parse(args.toArray(new String[0])).orElseThrow());
      assertThat(result.overall.getLong(result.schema.fieldIndex("rows"))).isEqualTo(5000);
      waitForListeners();
    } finally {
      spark().listenerManager().unregister(listener);
    }
    return plans;
  }

  private static void waitForListeners() {
    try {
      spark().sparkContext().listenerBus().waitUntilEmpty();
    } catch (Exception e) { // a TimeoutException, declared on some Spark lines only
      throw new IllegalStateException(e);
    }
  }

  /** Queries that read all of the predictions (not the first rows' sample, a limit). */
  private static long fullScans(List<String> plans, Path input) {
    return plans.stream().filter(plan -> plan.contains("file:" + input + "]") && !plan.contains("CollectLimit")).count();
  }

  private static Path predictions(String name, String userId) {
    Path input = dir.resolve("input-" + name);
    spark().sql("SELECT IF(id % 3 = 0, 'a', 'b') AS model, CAST(id % 5 AS STRING) AS country, " + userId + " AS user_id,"
        + " CAST(id % 2 AS DOUBLE) AS label, (id % 13) - 6.5D AS logit FROM range(5000)")
        .repartition(3).write().parquet(input.toString());
    return input;
  }

  @Test
  void aBinaryRunWithFewSliceValuesScansItsInputOnceAndPublishesNoStates() throws Exception {
    Path input = predictions("few", "id % 4");
    List<String> plans = plansOf(input, "few-metrics", "--slice", "model", "--slice", "model,country");
    assertThat(fullScans(plans, input)).as("queries reading all the predictions").isEqualTo(1);
    assertThat(plans.stream().filter(plan -> plan.contains("file:" + input + "]") && plan.contains("CollectLimit 50000")))
        .as("the sample of the first rows").hasSize(1);
    try (Stream<Path> published = Files.walk(dir.resolve("few-metrics"))) {
      assertThat(published.map(Path::toString)).noneMatch(path -> path.contains("_states"));
    }
    // --grouping finest: no sample, one scan
    List<String> forced = plansOf(input, "forced-metrics", "--slice", "model", "--grouping", "finest");
    assertThat(forced.stream().filter(plan -> plan.contains("file:" + input + "]")).count()).isEqualTo(1);
  }

  @Test
  void aSliceValuePerRowOrGroupingExpandTakesTheExpandRoute() {
    TestLines.assumeThorough(); // five job runs: the thorough lines only, for CI time
    // 5,000 user ids in 5,000 rows: more than one finest value per 8 rows, so two Expand scans
    Path input = predictions("many", "id");
    List<String> plans = plansOf(input, "many-metrics", "--slice", "user_id");
    assertThat(fullScans(plans, input)).isEqualTo(2);
    // its GROUPING SETS are the planner's: from the finest grain, which turns to adding rows to
    // each set's keys in a partition of a key per row (the planner's tests check that switch)
    assertThat(plans.stream().filter(plan -> plan.contains("ExactPartialAggregate"))).isNotEmpty()
        .noneMatch(plan -> plan.contains("Expand ["));
    Path few = predictions("few-expanded", "id % 4");
    assertThat(fullScans(plansOf(few, "expanded-metrics", "--slice", "model", "--grouping", "expand"), few)).isEqualTo(2);
    // the threshold: one value per 8 rows, and an input of one value, take the finest grain
    assertThat(FinestGrain.fewValues(800, 100)).isTrue();
    assertThat(FinestGrain.fewValues(800, 101)).isFalse();
    assertThat(FinestGrain.fewValues(1, 1)).isTrue();
    assertThat(FinestGrain.fewValues(0, 0)).isTrue();
  }

  @Test
  void groupingIsAnOptionWithThreeValues() {
    assertThat(JobConfig.parse(new String[] {"--input", "i", "--output", "o", "--label", "y", "--logit", "x"})
        .orElseThrow().grouping()).isEqualTo("auto");
    assertThatThrownBy(() -> JobConfig.parse(new String[] {"--input", "i", "--output", "o", "--label", "y", "--logit", "x",
        "--grouping", "cube"})).isInstanceOf(UsageException.class)
        .hasMessage("--grouping cube is not auto, finest or expand");
  }
}
