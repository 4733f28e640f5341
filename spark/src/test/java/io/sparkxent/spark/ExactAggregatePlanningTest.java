package io.sparkxent.spark;

import io.sparkxent.spark.execution.ExactAggregateStrategy;
import io.sparkxent.spark.execution.ExactPartialAggregateExec;
import static io.sparkxent.spark.Queries.planOf;
import static io.sparkxent.spark.Queries.sorted;
import static io.sparkxent.spark.Queries.withConf;
import static io.sparkxent.spark.SharedSpark.spark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our planning of the exact aggregates ({@link ExactAggregateStrategy}) against Spark's own route
 * for typed aggregates: the same rows, bit for bit, for every query shape, and the plans it is
 * meant to produce.
 */
class ExactAggregatePlanningTest {
  private static final int ROWS = 12_000;

  @BeforeAll
  static void predictions() {
    SplittableRandom random = new SplittableRandom(7);
    List<Row> rows = new ArrayList<>();
    double[] keys = {0.0, -0.0, Double.NaN, 1.5};
    for (int i = 0; i < ROWS; i++) {
      double magnitude = Math.pow(10, random.nextDouble() * 40 - 20);
      rows.add(RowFactory.create(
          i % 7 == 0 ? null : "m" + (i % 3),
          i % 11 == 0 ? null : "s" + (i % 5),
          keys[i % 4],
          // more distinct keys per partition than the partial step holds at once
          i % (ExactPartialAggregateExec.MAX_GROUPS + 1000),
          (double) random.nextInt(2),
          i % 13 == 0 ? null : random.nextBoolean() ? magnitude : -magnitude,
          random.nextDouble() * 3));
    }
    StructType schema = new StructType()
        .add("model", DataTypes.StringType)
        .add("segment", DataTypes.StringType)
        .add("threshold", DataTypes.DoubleType)
        .add("user", DataTypes.IntegerType)
        .add("label", DataTypes.DoubleType)
        .add("logit", DataTypes.DoubleType)
        .add("weight", DataTypes.DoubleType);
    spark().createDataFrame(rows, schema).repartition(3).createOrReplaceTempView("scored");
  }

  private static final String[] QUERIES = {
    "SELECT loss_mean(bce_logits(label, logit)) FROM scored",
    "SELECT loss_sum(bce_logits(label, logit)), loss_mean(bce_logits(label, logit), weight),"
        + " loss_stats(bce_logits(label, logit), weight), loss_stats(logit) FROM scored",
    "SELECT 2 * loss_mean(bce_logits(label, logit)) + 1, loss_mean(bce_logits(label, logit)) FROM scored",
    "SELECT loss_mean(logit) FROM scored WHERE label > 5",
    "SELECT model, loss_mean(bce_logits(label, logit), weight), loss_stats(bce_logits(label, logit))"
        + " FROM scored GROUP BY model",
    "SELECT threshold, loss_sum(logit) FROM scored GROUP BY threshold",
    "SELECT user % 3 AS bucket, loss_mean(bce_logits(label, logit)) FROM scored GROUP BY user % 3",
    "SELECT user, loss_sum(bce_logits(label, logit)), loss_stats(logit, weight) FROM scored GROUP BY user",
    "SELECT model, segment, grouping_id() AS level, loss_stats(bce_logits(label, logit), weight) FROM scored"
        + " GROUP BY GROUPING SETS ((), (model), (model, segment))",
    "SELECT model, loss_mean(logit) AS m FROM scored GROUP BY model HAVING loss_mean(logit) > -1e30",
    "SELECT model, loss_sum(logit) FROM scored WHERE label > 5 GROUP BY model",
  };

  @Test
  void everyShapeGivesSparksRowsBitForBit() {
    for (String query : QUERIES) {
      List<String> ours = sorted(() -> spark().sql(query));
      List<String> sparks = withConf(XentConf.EXACT_AGGREGATE_PLANNING.key(), "false", () -> sorted(() -> spark().sql(query)));
      List<String> interpreted = withConf("spark.sql.codegen.wholeStage", "false", () -> sorted(() -> spark().sql(query)));
      assertThat(ours).as(query).isEqualTo(sparks).isEqualTo(interpreted);
      if (!ours.isEmpty()) { // else adaptive execution replaces the plan by an empty relation
        assertThat(planOf(query)).as(query).contains("ExactFinalAggregate").doesNotContain("ObjectHashAggregate");
      }
    }
    assertThat(sorted(() -> spark().sql(QUERIES[7]))).hasSize(ExactPartialAggregateExec.MAX_GROUPS + 1000);
    assertThat(sorted(() -> spark().sql(QUERIES[5]))).as("-0.0 and 0.0 are one key, as are NaNs").hasSize(3);
    assertThat(sorted(() -> spark().sql(QUERIES[3]))).hasSize(1);
    assertThat(sorted(() -> spark().sql(QUERIES[10]))).isEmpty();
  }

  @Test
  void globalAggregatesRunInTheScansGeneratedCode() {
    String plan = planOf("SELECT loss_mean(bce_logits(label, logit)) FROM scored");
    assertThat(plan).containsPattern("\\*\\(\\d+\\) ExactPartialAggregate \\[xent.loss_mean\\(loss\\)\\]");
    assertThat(planOf("SELECT model, loss_mean(logit) FROM scored GROUP BY model"))
        .containsPattern("\\*\\(\\d+\\) ExactPartialAggregate \\[model");
  }

  /**
   * One partition holding three times the keys the partial step keeps at once, each key in every
   * round (rows cycle through the keys): the generated loop emits its groups mid-scan, resumes,
   * and the final step merges each key's rounds. Per key, the sum of 1e20*(k+1), k/8 and
   * -1e20*(k+1) (k/8 exactly, which doubles added in order would lose) against BigDecimal sums;
   * under GROUPING SETS the first round (a row per key) turns the partition to expanding rows.
   */
  @Test
  void theGeneratedLoopEmitsFullGroupsMidScanAndResumes() {
    int keys = 3 * ExactPartialAggregateExec.MAX_GROUPS + 17;
    String rows = "SELECT id % " + keys + " AS user, id % 2 AS half, CASE CAST(id / " + keys + " AS INT)"
        + " WHEN 0 THEN 1e20 * (id % " + keys + " + 1) WHEN 1 THEN (id % " + keys + ") / 8.0"
        + " ELSE -1e20 * (id % " + keys + " + 1) END AS logit FROM range(" + 3 * keys + ")";
    spark().sql(rows).coalesce(1).createOrReplaceTempView("rounds");
    String grouped = "SELECT user, loss_sum(CAST(logit AS DOUBLE)) AS s FROM rounds GROUP BY user";
    String sets = "SELECT user, half, loss_sum(CAST(logit AS DOUBLE)) AS s FROM rounds"
        + " GROUP BY GROUPING SETS ((user), (half), ())";
    assertThat(planOf(grouped)).containsPattern("\\*\\(\\d+\\) ExactPartialAggregate \\[user");
    assertThat(planOf(sets)).containsPattern("\\*\\(\\d+\\) ExactPartialAggregate \\[user#\\d+L?, half").doesNotContain("Expand [");
    Dataset<Row> groupedFrame = spark().sql(grouped);
    List<Row> sums = groupedFrame.collectAsList();
    assertThat(sums).hasSize(keys);
    assertThat(shuffledRows(groupedFrame.queryExecution().executedPlan()))
        .as("every key once per round: the partial step emitted before the scan ended").isEqualTo(3L * keys);
    for (Row row : sums) {
      long key = row.getLong(0);
      assertThat(row.getDouble(1)).as("user " + key)
          .isEqualTo(new java.math.BigDecimal(key).divide(java.math.BigDecimal.valueOf(8)).doubleValue());
    }
    List<Row> totals = spark().sql(sets).where("user IS NULL").collectAsList();
    java.math.BigDecimal all = java.math.BigDecimal.ZERO;
    java.math.BigDecimal[] halves = {java.math.BigDecimal.ZERO, java.math.BigDecimal.ZERO};
    for (long key = 0; key < keys; key++) {
      java.math.BigDecimal eighth = new java.math.BigDecimal(key).divide(java.math.BigDecimal.valueOf(8));
      all = all.add(eighth);
      // row id of the key's middle value is keys + key: its parity decides its half
      halves[(int) ((keys + key) % 2)] = halves[(int) ((keys + key) % 2)].add(eighth);
    }
    assertThat(totals).hasSize(3);
    for (Row row : totals) {
      java.math.BigDecimal expected = row.isNullAt(1) ? all : halves[(int) row.getLong(1)];
      assertThat(row.getDouble(2)).as(row.toString()).isEqualTo(expected.doubleValue());
    }
    List<String> ours = sorted(() -> spark().sql(sets));
    assertThat(ours).isEqualTo(withConf("spark.sql.codegen.wholeStage", "false", () -> sorted(() -> spark().sql(sets))))
        .isEqualTo(withConf(XentConf.EXACT_AGGREGATE_PLANNING.key(), "false", () -> sorted(() -> spark().sql(sets))));
  }

  @Test
  void otherAggregationsAreLeftToSpark() {
    assertThat(planOf("SELECT loss_mean(logit), count(*) FROM scored")).contains("ObjectHashAggregate")
        .doesNotContain("Exact");
    assertThat(planOf("SELECT loss_mean(logit) FILTER (WHERE label > 0) FROM scored")).doesNotContain("Exact");
    assertThat(planOf("SELECT loss_mean(DISTINCT logit) FROM scored")).doesNotContain("ExactFinal");
    assertThat(spark().sql("SELECT loss_mean(logit) FILTER (WHERE label > 0), loss_mean(logit), count(*) FROM scored")
        .collectAsList()).hasSize(1);
  }

  @Test
  void invalidWeightsFailWithTheFunctionsMessageOnEveryPath() {
    for (String query : new String[] {
        "SELECT loss_mean(logit, weight - 2) FROM scored",
        "SELECT model, loss_mean(logit, weight - 2) FROM scored GROUP BY model"}) {
      assertThatThrownBy(() -> spark().sql(query).collectAsList())
          .hasStackTraceContaining("loss_mean: weight = -")
          .hasStackTraceContaining("is invalid; expected a finite number >= 0");
    }
  }

  // Adaptive execution plans again after the cache's stage: the plan must then be recognised.
  @Test
  @Timeout(120)
  void cachedInputWithNondeterministicColumnsCompletes() {
    Dataset<Row> cached = spark().sql("SELECT randn(1) * 30 AS logit, CAST(id % 2 AS DOUBLE) AS label FROM range(3000)")
        .repartition(4).cache();
    try {
      cached.count();
      Supplier<String> query = () -> cached.selectExpr("loss_mean(bce_logits(label, logit))").first().toString();
      assertThat(query.get()).isEqualTo(withConf(XentConf.EXACT_AGGREGATE_PLANNING.key(), "false", query));
      assertThat(cached.groupBy("label").agg(functions.expr("loss_sum(logit)")).collectAsList()).hasSize(2);
    } finally {
      cached.unpersist();
    }
  }

  @Test
  void equalSubqueriesShareOneExchangeAndStayCorrect() {
    String query = "SELECT a.m, b.m, c.s FROM (SELECT loss_mean(logit) AS m FROM scored) a"
        + " CROSS JOIN (SELECT loss_mean(logit) AS m FROM scored) b CROSS JOIN (SELECT loss_sum(logit) AS s FROM scored) c";
    Row row = spark().sql(query).first();
    assertThat(row.getDouble(0)).isEqualTo(row.getDouble(1));
    assertThat(row.getDouble(2)).isEqualTo(spark().sql("SELECT loss_sum(logit) FROM scored").first().getDouble(0));
  }

  /** Rows written by the shuffles of an executed plan (adaptive execution's stages included). */
  private static long shuffledRows(org.apache.spark.sql.execution.SparkPlan plan) {
    if (plan instanceof org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec adaptive) {
      return shuffledRows(adaptive.executedPlan());
    }
    if (plan instanceof org.apache.spark.sql.execution.adaptive.QueryStageExec stage) {
      return shuffledRows(stage.plan());
    }
    long rows = plan instanceof org.apache.spark.sql.execution.exchange.ShuffleExchangeExec exchange
        ? exchange.metrics().apply("shuffleRecordsWritten").value() : 0;
    for (org.apache.spark.sql.execution.SparkPlan child : io.sparkxent.spark.ScalaCollections.javaList(plan.children())) {
      rows += shuffledRows(child);
    }
    return rows;
  }
}
