package io.sparkxent.spark;

import static io.sparkxent.spark.Queries.planOf;
import static io.sparkxent.spark.Queries.sorted;
import static io.sparkxent.spark.Queries.withConf;
import static io.sparkxent.spark.SharedSpark.spark;
import static org.assertj.core.api.Assertions.assertThat;

import io.sparkxent.math.Exact;
import io.sparkxent.spark.execution.ExactPartialAggregateExec;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GROUPING SETS, ROLLUP and CUBE of our aggregates from the finest grain (FinestGrainPlan): the
 * partial step groups by every grouping column once and the Expand runs over its states. The
 * same rows, bit for bit, as the Expand route and as Spark's own route, for every shape; the plan
 * it is meant to be; the Expand route where it must stay.
 */
class FinestGrainPlanTest {
  private static final int ROWS = 12_000;
  private static final List<Double> LOGITS = new ArrayList<>();

  @TempDir
  static Path dir;

  @BeforeAll
  static void predictions() {
    SplittableRandom random = new SplittableRandom(41);
    List<Row> rows = new ArrayList<>();
    double[] thresholds = {0.0, -0.0, Double.NaN, 1.5};
    for (int i = 0; i < ROWS; i++) {
      double magnitude = Math.pow(10, random.nextDouble() * 40 - 20);
      Double logit = i % 13 == 0 ? null : random.nextBoolean() ? magnitude : -magnitude;
      LOGITS.add(logit);
      rows.add(RowFactory.create(i % 7 == 0 ? null : "m" + (i % 3), i % 11 == 0 ? null : "s" + (i % 5),
          thresholds[i % 4], i % (ExactPartialAggregateExec.MAX_GROUPS + 1000), (double) random.nextInt(2), logit,
          random.nextDouble() * 3));
    }
    StructType schema = new StructType().add("model", DataTypes.StringType).add("segment", DataTypes.StringType)
        .add("threshold", DataTypes.DoubleType).add("user", DataTypes.IntegerType).add("label", DataTypes.DoubleType)
        .add("logit", DataTypes.DoubleType).add("weight", DataTypes.DoubleType);
    spark().createDataFrame(rows, schema).repartition(3).createOrReplaceTempView("graded");
  }

  private static final String[] FINEST = {
    "SELECT model, segment, grouping_id() AS level, loss_stats(bce_logits(label, logit), weight) FROM graded"
        + " GROUP BY GROUPING SETS ((), (model), (model, segment))",
    "SELECT model, segment, loss_mean(bce_logits(label, logit), weight) AS m, loss_sum(logit) FROM graded"
        + " GROUP BY ROLLUP (model, segment) HAVING loss_mean(bce_logits(label, logit), weight) > 0",
    "SELECT model, threshold, grouping(model) AS g, loss_sum(logit), loss_stats(logit, weight) FROM graded"
        + " GROUP BY CUBE (model, threshold)",
    "SELECT model, segment, loss_mean(logit) FROM graded GROUP BY GROUPING SETS ((model), (segment))",
    "SELECT model, user, loss_sum(logit) FROM graded GROUP BY ROLLUP (model, user)",
    "SELECT model, loss_sum(logit) FROM graded WHERE label > 5 GROUP BY ROLLUP (model)",
  };

  @Test
  void everyShapeGivesTheExpandRoutesRowsBitForBit() {
    // (ExactAggregatePlanningTest runs the exact operators without whole-stage code as well)
    for (String query : FINEST) {
      Run finest = Run.of(query);
      Run expanded = withConf(XentConf.FINEST_GRAIN_PLANNING.key(), "false", () -> Run.of(query));
      List<String> sparks = withConf(XentConf.EXACT_AGGREGATE_PLANNING.key(), "false", () -> sorted(() -> spark().sql(query)));
      assertThat(finest.rows()).as(query).isEqualTo(expanded.rows()).isEqualTo(sparks);
      if (!finest.rows().isEmpty()) {
        assertThat(fromTheFinestGrain(finest.plan())).as(query).isTrue();
        // the partial step emits the sets' groups, in the scan's generated code
        assertThat(finest.plan()).as(query).containsPattern("Exchange [^\\n]*\\n[^\\n]*\\*\\(\\d+\\) ExactPartialAggregate");
        assertThat(fromTheFinestGrain(expanded.plan())).as(query).isFalse();
      }
    }
    // NULL keys are their own groups, -0.0 and 0.0 one key, NaNs one key: 4 models x 3 thresholds,
    // 4 models, 3 thresholds, the total
    assertThat(sorted(() -> spark().sql(FINEST[2]))).hasSize(4 * 3 + 4 + 3 + 1);
    // more (model, user) keys per partition than the partial step holds at once: it flushes
    assertThat(sorted(() -> spark().sql(FINEST[4])).size()).isGreaterThan(ExactPartialAggregateExec.MAX_GROUPS * 2);
  }

  @Test
  void theGrandTotalIsTheCorrectlyRoundedSumOfEveryRow() {
    BigDecimal sum = BigDecimal.ZERO;
    for (Double logit : LOGITS) {
      if (logit != null) {
        sum = sum.add(new BigDecimal(logit));
      }
    }
    Row total = spark().sql("SELECT loss_sum(logit) FROM graded GROUP BY ROLLUP (model, segment, threshold)"
        + " HAVING grouping_id() = 7").first();
    assertThat(total.getDouble(0)).isEqualTo(Exact.correctlyRounded(sum));
  }

  @Test
  void groupingColumnsAsInputsAndStatisticsOfManyValues() {
    // an aggregate of a grouping column reads the column Expand passes through, not the copy it
    // sets to NULL: the finest grain serves it too
    // a constant grouping column, folded into a literal: no finest column, Spark's Expand
    String constant = "SELECT m, loss_sum(logit) FROM (SELECT 'a' AS m, logit FROM graded) GROUP BY ROLLUP (m)";
    assertThat(fromTheFinestGrain(planOf(constant))).isFalse();
    assertThat(sorted(() -> spark().sql(constant))).hasSize(2)
        .isEqualTo(withConf(XentConf.EXACT_AGGREGATE_PLANNING.key(), "false", () -> sorted(() -> spark().sql(constant))));
    String own = "SELECT threshold, loss_sum(threshold) FROM graded GROUP BY ROLLUP (threshold)";
    assertThat(fromTheFinestGrain(planOf(own))).isTrue();
    assertThat(sorted(() -> spark().sql(own)))
        .isEqualTo(withConf(XentConf.EXACT_AGGREGATE_PLANNING.key(), "false", () -> sorted(() -> spark().sql(own))));

    // column statistics: 12,000 rows, 5,096 users, more than one value per 8 rows
    spark().table("graded").write().parquet(dir.resolve("graded").toString());
    spark().sql("CREATE TABLE graded_table USING parquet LOCATION '" + dir.resolve("graded") + "'");
    try {
      spark().sql("ANALYZE TABLE graded_table COMPUTE STATISTICS FOR COLUMNS user, model");
      String perUser = "SELECT user, loss_sum(logit) FROM graded_table GROUP BY ROLLUP (user)";
      String perModel = "SELECT model, loss_sum(logit) FROM graded_table GROUP BY ROLLUP (model)";
      withConf("spark.sql.cbo.enabled", "true", () -> {
        assertThat(fromTheFinestGrain(planOf(perUser))).as("per user: many values").isFalse();
        assertThat(fromTheFinestGrain(planOf(perModel))).as("per model: few values").isTrue();
        return null;
      });
    } finally {
      spark().sql("DROP TABLE graded_table");
    }
  }

  /** A query's rows as text, sorted, and the plan that made them. */
  private record Run(List<String> rows, String plan) {
    static Run of(String query) {
      Dataset<Row> frame = spark().sql(query);
      List<String> rows = sorted(() -> frame);
      return new Run(rows, frame.queryExecution().executedPlan().toString());
    }
  }

  /**
   * Whether the plan aggregates from the finest grain (the partial step makes the sets' groups)
   * rather than after Spark's Expand of the rows.
   */
  private static boolean fromTheFinestGrain(String plan) {
    assertThat(plan).contains("ExactPartialAggregate");
    return !plan.contains("Expand [");
  }
}
