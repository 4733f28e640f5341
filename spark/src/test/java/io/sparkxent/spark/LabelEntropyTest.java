package io.sparkxent.spark;

import static io.sparkxent.spark.SharedSpark.scalar;
import static io.sparkxent.spark.SharedSpark.spark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkxent.math.Exact;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
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

/**
 * {@code label_entropy} and {@code class_entropy} (the denominators of normalized entropy) against
 * the entropy of the exact class weights computed here in BigDecimal, within the stated 8 ulp,
 * including a class near certainty (where ln p must come from 1 - p), weighted and unweighted, and
 * with the same bits for any partitioning.
 */
class LabelEntropyTest {
  private static final MathContext WIDE = new MathContext(120, RoundingMode.HALF_EVEN);
  private static final int ROWS = 6_000;
  private static final List<double[]> DATA = new ArrayList<>();

  @BeforeAll
  static void labels() {
    SplittableRandom random = new SplittableRandom(77);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      double soft = random.nextDouble();
      // nearly always positive: q = 1 - 1e-9-ish, the case a naive log(q) gets wrong
      double rare = i == 17 ? 1e-6 : 1;
      int klass = random.nextInt(10) < 7 ? 0 : random.nextInt(4);
      double weight = 0.25 + random.nextDouble() * 3;
      DATA.add(new double[] {soft, rare, klass, weight});
      rows.add(RowFactory.create(soft, rare, klass, new double[] {klass == 0 ? 1 : 0, klass == 1 ? soft : 0,
          klass >= 2 ? 1 - soft : 0}, weight));
    }
    StructType schema = new StructType().add("soft", DataTypes.DoubleType).add("rare", DataTypes.DoubleType)
        .add("klass", DataTypes.IntegerType).add("dist", DataTypes.createArrayType(DataTypes.DoubleType))
        .add("w", DataTypes.DoubleType);
    spark().createDataFrame(rows, schema).repartition(4).createOrReplaceTempView("labels");
  }

  /** -sum p ln p of exact class weights, p = s_c / S exactly, ln to 60 digits. */
  private static BigDecimal entropy(Map<Integer, BigDecimal> weights) {
    return Exact.entropy(weights.values());
  }

  private static Map<Integer, BigDecimal> binary(int column, boolean weighted) {
    Map<Integer, BigDecimal> classes = new TreeMap<>(Map.of(0, BigDecimal.ZERO, 1, BigDecimal.ZERO));
    for (double[] row : DATA) {
      BigDecimal w = weighted ? new BigDecimal(row[3]) : BigDecimal.ONE;
      BigDecimal y = new BigDecimal(row[column]);
      classes.merge(1, w.multiply(y), BigDecimal::add);
      classes.merge(0, w.multiply(BigDecimal.ONE.subtract(y)), BigDecimal::add);
    }
    return classes;
  }

  @Test
  void binaryLabelsWithinEightUlp() {
    Exact.assertWithinUlps((Double) scalar("SELECT label_entropy(soft) FROM labels"), entropy(binary(0, false)), 8, "soft");
    Exact.assertWithinUlps((Double) scalar("SELECT label_entropy(soft, w) FROM labels"), entropy(binary(0, true)), 8,
        "soft weighted");
    Exact.assertWithinUlps((Double) scalar("SELECT label_entropy(rare, w) FROM labels"), entropy(binary(1, true)), 8,
        "one negative in 6000: q near 1");
    assertThat(scalar("SELECT label_entropy(y) FROM VALUES (1D), (1D) AS t(y)")).isEqualTo(0.0);
  }

  @Test
  void classIndicesAndDistributionsWithinEightUlp() {
    Map<Integer, BigDecimal> counts = new TreeMap<>();
    Map<Integer, BigDecimal> weighted = new TreeMap<>();
    Map<Integer, BigDecimal> dist = new TreeMap<>();
    for (double[] row : DATA) {
      int klass = (int) row[2];
      BigDecimal w = new BigDecimal(row[3]);
      counts.merge(klass, BigDecimal.ONE, BigDecimal::add);
      weighted.merge(klass, w, BigDecimal::add);
      double[] labels = {klass == 0 ? 1 : 0, klass == 1 ? row[0] : 0, klass >= 2 ? 1 - row[0] : 0};
      for (int c = 0; c < 3; c++) {
        dist.merge(c, w.multiply(new BigDecimal(labels[c])), BigDecimal::add);
      }
    }
    Exact.assertWithinUlps((Double) scalar("SELECT class_entropy(klass) FROM labels"), entropy(counts), 8, "classes");
    Exact.assertWithinUlps((Double) scalar("SELECT class_entropy(klass, w) FROM labels"), entropy(weighted), 8,
        "classes weighted");
    Exact.assertWithinUlps((Double) scalar("SELECT label_entropy(dist, w) FROM labels"), entropy(dist), 8,
        "soft distributions weighted");
  }

  @Test
  void sameBitsForAnyPartitioning() {
    for (String call : List.of("label_entropy(soft, w)", "class_entropy(klass, w)", "label_entropy(dist, w)")) {
      Object one = scalar("SELECT " + call + " FROM (SELECT /*+ REPARTITION(1) */ * FROM labels)");
      Object many = scalar("SELECT " + call + " FROM (SELECT /*+ REPARTITION(9) */ * FROM labels ORDER BY w DESC)");
      assertThat(many).as(call).isEqualTo(one);
    }
  }

  @Test
  void nullRulesAndBadLabels() {
    assertThat(scalar("SELECT label_entropy(y) FROM VALUES (CAST(NULL AS DOUBLE)) AS t(y)")).isNull();
    assertThat(scalar("SELECT label_entropy(y, w) FROM VALUES (0D, 1D), (1D, NULL), (1D, 1D) AS t(y, w)"))
        .isEqualTo(Math.log(2));
    assertThatThrownBy(() -> scalar("SELECT label_entropy(y) FROM VALUES (1.5D) AS t(y)"))
        .hasStackTraceContaining("label_entropy: label = 1.5 is invalid; expected a number in [0, 1]");
    assertThatThrownBy(() -> scalar("SELECT class_entropy(c) FROM VALUES (-1) AS t(c)"))
        .hasStackTraceContaining("class_entropy: class index = -1");
    assertThatThrownBy(() -> scalar("SELECT class_entropy(array(1D))"))
        .hasStackTraceContaining("class_entropy takes class_entropy(class_index [, weight])");
  }
}
