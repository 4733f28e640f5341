package io.sparkxent.spark;

import static io.sparkxent.spark.SharedSpark.scalar;
import static io.sparkxent.spark.SharedSpark.spark;
import static io.sparkxent.spark.SharedSpark.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.math.Exact;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exact roll-ups: daily {@code loss_state}s merged with {@code loss_merge} give the figures of the
 * week's rows, bit for bit, for any partitioning; checked against sums computed here in BigDecimal.
 */
class StateRollupTest {
  private static final MathContext WIDE = new MathContext(1500, RoundingMode.HALF_EVEN);
  private static final int ROWS = 9_000;
  private static final List<double[]> DATA = new ArrayList<>();

  @BeforeAll
  static void predictions() {
    SplittableRandom random = new SplittableRandom(14);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      double label = random.nextInt(2);
      double magnitude = Math.pow(10, random.nextDouble() * 40 - 20);
      double logit = random.nextBoolean() ? magnitude : -magnitude;
      double weight = random.nextInt(4) * 0.25 + random.nextDouble();
      DATA.add(new double[] {i % 3, i % 2, label, logit, weight});
      rows.add(RowFactory.create("day" + (i % 3), "m" + (i % 2), label, logit, weight));
    }
    StructType schema = new StructType().add("day", DataTypes.StringType).add("model", DataTypes.StringType)
        .add("label", DataTypes.DoubleType).add("logit", DataTypes.DoubleType).add("weight", DataTypes.DoubleType);
    spark().createDataFrame(rows, schema).repartition(5).createOrReplaceTempView("week");
    // the daily metrics a nightly job keeps: one state per day and model
    spark().sql("SELECT day, model, loss_state(bce_logits(label, logit)) AS state,"
        + " loss_state(bce_logits(label, logit), weight) AS weighted_state FROM week GROUP BY day, model")
        .createOrReplaceTempView("daily");
  }

  @Test
  void mergedDailyStatesEqualTheWeeksRowsBitForBit() {
    for (String model : new String[] {"m0", "m1"}) {
      Row merged = sql("SELECT loss_state_stats(loss_merge(state)) AS u, loss_state_stats(loss_merge(weighted_state)) AS w"
          + " FROM daily WHERE model = '" + model + "'").get(0);
      Row direct = sql("SELECT loss_stats(bce_logits(label, logit)) AS u, loss_stats(bce_logits(label, logit), weight) AS w"
          + " FROM week WHERE model = '" + model + "'").get(0);
      assertThat(merged.<Row>getAs("u")).isEqualTo(direct.<Row>getAs("u"));
      assertThat(merged.<Row>getAs("w")).isEqualTo(direct.<Row>getAs("w"));

      BigDecimal sum = BigDecimal.ZERO;
      BigDecimal weighted = BigDecimal.ZERO;
      BigDecimal weights = BigDecimal.ZERO;
      long rows = 0;
      for (double[] row : DATA) {
        if (row[1] != (model.equals("m0") ? 0 : 1)) {
          continue;
        }
        BigDecimal loss = new BigDecimal(BinaryCrossEntropy.fromLogit(row[2], row[3]));
        sum = sum.add(loss);
        weighted = weighted.add(loss.multiply(new BigDecimal(row[4])));
        weights = weights.add(new BigDecimal(row[4]));
        rows++;
      }
      Row unweightedStats = merged.getAs("u");
      Row weightedStats = merged.getAs("w");
      assertThat(unweightedStats.<Long>getAs("rows")).isEqualTo(rows);
      assertThat(unweightedStats.<Double>getAs("sum")).isEqualTo(Exact.correctlyRounded(sum));
      assertThat(unweightedStats.<Double>getAs("mean"))
          .isEqualTo(Exact.correctlyRounded(sum.divide(BigDecimal.valueOf(rows), WIDE)));
      assertThat(weightedStats.<Double>getAs("sum")).isEqualTo(Exact.correctlyRounded(weighted));
      assertThat(weightedStats.<Double>getAs("mean")).isEqualTo(Exact.correctlyRounded(weighted.divide(weights, WIDE)));
    }
  }

  @Test
  void statesHaveTheSameBytesForAnyPartitioningAndMergeOrder() {
    String state = "SELECT hex(loss_state(bce_logits(label, logit), weight)) FROM ";
    Object one = scalar(state + "(SELECT /*+ REPARTITION(1) */ * FROM week)");
    Object seven = scalar(state + "(SELECT /*+ REPARTITION(7) */ * FROM week ORDER BY logit)");
    Object merged = scalar("SELECT hex(loss_merge(weighted_state)) FROM (SELECT /*+ REPARTITION(3) */ * FROM daily ORDER BY day DESC)");
    assertThat(seven).isEqualTo(one);
    assertThat(merged).isEqualTo(one);
  }

  @Test
  void nullRulesAndMistakes() {
    assertThat(scalar("SELECT loss_state_stats(NULL) IS NULL")).isEqualTo(true);
    assertThat(scalar("SELECT loss_merge(s) IS NULL FROM (SELECT CAST(NULL AS BINARY) AS s)")).isEqualTo(true);
    assertThat(scalar("SELECT loss_state_stats(loss_merge(s)).rows FROM"
        + " (SELECT loss_state(x) AS s FROM VALUES (1D), (2D) AS t(x) UNION ALL SELECT CAST(NULL AS BINARY))")).isEqualTo(2L);
    // the state of no rows is the empty state: 0 rows, NULL mean
    Row empty = (Row) scalar("SELECT loss_state_stats(loss_state(x)) FROM VALUES (1D) AS t(x) WHERE x > 5");
    assertThat(empty.<Long>getAs("rows")).isZero();
    assertThat(empty.<Double>getAs("mean")).isNull();
    assertThatThrownBy(() -> sql("SELECT loss_merge(s) FROM (SELECT loss_state(x) AS s FROM VALUES (1D) AS t(x)"
        + " UNION ALL SELECT loss_state(x, 1D) FROM VALUES (2D) AS t(x))"))
        .hasStackTraceContaining("cannot merge");
    assertThatThrownBy(() -> sql("SELECT loss_state_stats(X'0102')"))
        .hasStackTraceContaining("loss_state_stats: the argument is not a loss_state value");
    assertThatThrownBy(() -> sql("SELECT loss_merge(1)"))
        .hasStackTraceContaining("loss_merge takes one binary argument");
  }

  @Test
  void meanStatesMergeToTheExactMeanWithoutSpread() {
    Row merged = sql("SELECT loss_state_stats(loss_merge(s)) AS m FROM (SELECT day, loss_mean_state(bce_logits(label, logit),"
        + " weight) AS s FROM (SELECT /*+ REPARTITION(4) */ * FROM week) GROUP BY day)").get(0).getAs("m");
    BigDecimal weighted = BigDecimal.ZERO;
    BigDecimal weights = BigDecimal.ZERO;
    for (double[] row : DATA) {
      weighted = weighted.add(new BigDecimal(BinaryCrossEntropy.fromLogit(row[2], row[3])).multiply(new BigDecimal(row[4])));
      weights = weights.add(new BigDecimal(row[4]));
    }
    assertThat(merged.<Long>getAs("rows")).isEqualTo(ROWS);
    assertThat(merged.<Double>getAs("weight_sum")).isEqualTo(Exact.correctlyRounded(weights));
    assertThat(merged.<Double>getAs("sum")).isEqualTo(Exact.correctlyRounded(weighted));
    assertThat(merged.<Double>getAs("mean")).isEqualTo(Exact.correctlyRounded(weighted.divide(weights, WIDE)));
    // no squares, no spread: NULL, not a number made up
    assertThat(merged.<Double>getAs("stddev")).isNull();
    assertThat(merged.<Double>getAs("stderr")).isNull();
    // the same bytes however the rows are split, and the same mean as loss_mean
    assertThat(scalar("SELECT hex(loss_mean_state(logit, weight)) FROM (SELECT /*+ REPARTITION(7) */ * FROM week ORDER BY logit)"))
        .isEqualTo(scalar("SELECT hex(loss_mean_state(logit, weight)) FROM (SELECT /*+ REPARTITION(1) */ * FROM week)"));
    assertThat(scalar("SELECT loss_state_stats(loss_mean_state(logit, weight)).mean FROM week"))
        .isEqualTo(scalar("SELECT loss_mean(logit, weight) FROM week"));
    assertThatThrownBy(() -> sql("SELECT loss_merge(s) FROM (SELECT loss_state(x) AS s FROM VALUES (1D) AS t(x)"
        + " UNION ALL SELECT loss_mean_state(x) FROM VALUES (2D) AS t(x))"))
        .hasStackTraceContaining("cannot merge");
  }
}
