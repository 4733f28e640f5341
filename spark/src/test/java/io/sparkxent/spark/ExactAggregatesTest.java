package io.sparkxent.spark;

import io.sparkxent.spark.dataset.BinaryPrediction;
import io.sparkxent.spark.dataset.LossAggregator;
import io.sparkxent.math.Reduction;
import static io.sparkxent.spark.SharedSpark.scalar;
import static io.sparkxent.spark.SharedSpark.spark;
import static io.sparkxent.spark.SharedSpark.sql;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.math.Exact;
import io.sparkxent.math.ProbabilityCompat;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExactAggregatesTest {
  private static final MathContext WIDE = new MathContext(1500, RoundingMode.HALF_EVEN);
  private static final int ROWS = 20_000;
  private static Dataset<Row> predictions;
  private static double[] labels = new double[ROWS];
  private static double[] logits = new double[ROWS];
  private static double[] weights = new double[ROWS];

  @BeforeAll
  static void predictions() {
    SplittableRandom random = new SplittableRandom(2026);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      labels[i] = i % 5 == 0 ? random.nextDouble() : random.nextInt(2);
      // logits spanning +-1e-300 .. +-1e300: per-row losses from 1e-300 to 1e300
      double magnitude = Math.pow(10, random.nextDouble() * 600 - 300);
      logits[i] = random.nextBoolean() ? magnitude : -magnitude;
      weights[i] = random.nextInt(5) * 0.5 + random.nextDouble();
      rows.add(RowFactory.create("m" + (i % 3), labels[i], logits[i], weights[i]));
    }
    StructType schema = new StructType()
        .add("model", DataTypes.StringType)
        .add("label", DataTypes.DoubleType)
        .add("logit", DataTypes.DoubleType)
        .add("weight", DataTypes.DoubleType);
    predictions = spark().createDataFrame(rows, schema);
    predictions.createOrReplaceTempView("wide");
  }

  /** Sum, mean and weighted mean of the per-row losses, exactly, then correctly rounded. */
  private static double[] exactReference() {
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal weightedSum = BigDecimal.ZERO;
    BigDecimal weightSum = BigDecimal.ZERO;
    for (int i = 0; i < ROWS; i++) {
      BigDecimal loss = new BigDecimal(BinaryCrossEntropy.fromLogit(labels[i], logits[i]));
      BigDecimal weight = new BigDecimal(weights[i]);
      sum = sum.add(loss);
      weightedSum = weightedSum.add(loss.multiply(weight));
      weightSum = weightSum.add(weight);
    }
    return new double[] {
        Exact.correctlyRounded(sum),
        Exact.correctlyRounded(sum.divide(BigDecimal.valueOf(ROWS), WIDE)),
        Exact.correctlyRounded(weightedSum.divide(weightSum, WIDE))
    };
  }

  private static final String QUERY = "SELECT loss_sum(bce_logits(label, logit)), loss_mean(bce_logits(label, logit)),"
      + " loss_mean(bce_logits(label, logit), weight), loss_stats(bce_logits(label, logit), weight) FROM %s";

  @Test
  void sumsAndMeansAreBitIdenticalForAnyPartitioningAndEqualTheExactValue() {
    double[] exact = exactReference();
    List<Row> results = new ArrayList<>();
    for (int partitions : new int[] {1, 2, 7, 64, 200}) {
      predictions.repartition(partitions).createOrReplaceTempView("parts");
      results.add(sql(String.format(QUERY, "parts")).get(0));
    }
    predictions.orderBy(rand(99)).repartition(13).createOrReplaceTempView("shuffled");
    results.add(sql(String.format(QUERY, "shuffled")).get(0));
    for (Row row : results) {
      assertThat(Double.doubleToRawLongBits(row.getDouble(0))).isEqualTo(Double.doubleToRawLongBits(exact[0]));
      assertThat(Double.doubleToRawLongBits(row.getDouble(1))).isEqualTo(Double.doubleToRawLongBits(exact[1]));
      assertThat(Double.doubleToRawLongBits(row.getDouble(2))).isEqualTo(Double.doubleToRawLongBits(exact[2]));
      assertThat(row.getStruct(3)).isEqualTo(results.get(0).getStruct(3));
    }
    Row stats = results.get(0).getStruct(3);
    assertThat(stats.getLong(0)).isEqualTo(ROWS);
    assertThat(stats.getDouble(3)).isEqualTo(exact[2]);
  }

  @Test
  void groupedResultsMatchTheUngroupedOnesPerGroup() {
    List<Row> grouped = sql("SELECT model, loss_mean(bce_logits(label, logit)) FROM wide GROUP BY model ORDER BY model");
    assertThat(grouped).hasSize(3);
    for (Row row : grouped) {
      Object alone = scalar("SELECT loss_mean(bce_logits(label, logit)) FROM wide WHERE model = '" + row.getString(0) + "'");
      assertThat(row.getDouble(1)).isEqualTo(alone);
    }
  }

  @Test
  void sqlSemanticsForNullsEmptyInputAndWeights() {
    assertThat(scalar("SELECT loss_mean(x) FROM VALUES (1.0), (NULL), (3.0) AS t(x)")).isEqualTo(2.0);
    assertThat(scalar("SELECT loss_mean(x) FROM VALUES (1.0) AS t(x) WHERE x > 5")).isNull();
    assertThat(scalar("SELECT loss_sum(x) FROM VALUES (1.0) AS t(x) WHERE x > 5")).isNull();
    Row empty = sql("SELECT loss_stats(x) FROM VALUES (1.0) AS t(x) WHERE x > 5").get(0).getStruct(0);
    assertThat(empty.getLong(0)).isZero();
    assertThat(empty.isNullAt(3)).isTrue();
    assertThat(scalar("SELECT loss_mean(x, w) FROM VALUES (1.0, 0.0), (2.0, 0.0) AS t(x, w)")).isNull();
    assertThat(scalar("SELECT loss_stats(x).stddev FROM VALUES (1.0) AS t(x)")).isNull();
    assertThat((Double) scalar("SELECT loss_mean(x) FROM VALUES (1.0), (double('NaN')) AS t(x)")).isNaN();
    assertThatThrownBy(() -> scalar("SELECT loss_mean(x, w) FROM VALUES (1.0, -2.0) AS t(x, w)"))
        .hasStackTraceContaining("loss_mean: weight = -2.0 is invalid; expected a finite number >= 0");
    // one NULL rule for every aggregate: a row with a NULL loss or weight is skipped (as corr does)
    assertThat(scalar("SELECT loss_sum(x, w) FROM VALUES (1.0, CAST(NULL AS DOUBLE)), (2.0, 3.0) AS t(x, w)"))
        .isEqualTo(6.0);
    assertThat(scalar("SELECT loss_stats(x, w).rows FROM VALUES (1.0, CAST(NULL AS DOUBLE)), (2.0, 3.0) AS t(x, w)"))
        .isEqualTo(1L);
    assertThat(scalar("SELECT loss_mean(x, w) FROM VALUES (1.0, CAST(NULL AS DOUBLE)) AS t(x, w)")).isNull();
    assertThatThrownBy(() -> scalar("SELECT loss_stats(x, w) FROM VALUES (1.0, double('NaN')) AS t(x, w)"))
        .hasStackTraceContaining("loss_stats: weight = NaN is invalid");
    assertThatThrownBy(() -> scalar("SELECT loss_mean('a')"))
        .hasMessageContaining("loss_mean got 1 argument(s) of type (string)");
  }

  @Test
  void aggregatesSkipTheEncoderAndComposeWithTheCatalog() {
    String plan = spark().sql("SELECT loss_mean(bce_logits(label, logit)) FROM wide")
        .queryExecution().executedPlan().toString();
    assertThat(plan).contains("ExactPartialAggregate").doesNotContain("DeserializeToObject");
    assertThat(scalar("SELECT xent.loss_mean(xent.bce_logits(1, 0))")).isEqualTo(Math.log(2));
  }

  @Test
  void typedAggregatorsReduceExactlyThroughEveryRoute() {
    Dataset<BinaryPrediction> typed = predictions.select(col("label"), col("logit"),
            functions.lit(null).cast("double").as("probability"), col("weight"))
        .as(Encoders.bean(BinaryPrediction.class));
    double[] exact = exactReference();
    Double weightedMean = typed.select(LossAggregator.bceLogits(Reduction.WEIGHTED_MEAN).weighted().toColumn()).first();
    assertThat(weightedMean).isEqualTo(exact[2]);
    // the typed route skips a row with a NULL weight, as the SQL aggregates do
    Dataset<BinaryPrediction> withNullWeight = typed.union(spark().createDataset(
        List.of(new BinaryPrediction(1.0, 3.0, null, null)), Encoders.bean(BinaryPrediction.class)));
    assertThat(withNullWeight.select(LossAggregator.bceLogits(Reduction.WEIGHTED_MEAN).weighted().toColumn()).first())
        .isEqualTo(exact[2]);
    assertThat(typed.select(LossAggregator.bceLogits(Reduction.MEAN).toColumn()).first())
        .as("factories are unweighted").isEqualTo(exact[1]);
    Double mean = typed.repartition(7).select(LossAggregator.bceLogits(Reduction.MEAN).unweighted().toColumn()).first();
    assertThat(mean).isEqualTo(exact[1]);
    Double sum = typed.select(LossAggregator.bceLogits(Reduction.SUM).unweighted().toColumn()).first();
    assertThat(sum).isEqualTo(exact[0]);
    long groups = predictions.withColumn("probability", functions.lit(null).cast("double"))
        .as(Encoders.bean(BinaryPrediction.class))
        .groupByKey((org.apache.spark.api.java.function.MapFunction<BinaryPrediction, Double>) p -> p.getLabel() > 0.5 ? 1.0 : 0.0, Encoders.DOUBLE())
        .agg(LossAggregator.bceLogits(Reduction.MEAN).unweighted().toColumn())
        .count();
    assertThat(groups).isEqualTo(2);
    UserDefinedFunction udaf = functions.udaf(LossAggregator.bceLogits(Reduction.MEAN).unweighted(), Encoders.bean(BinaryPrediction.class));
    spark().udf().register("bce_mean_typed", udaf);
    Object viaUdaf = scalar("SELECT bce_mean_typed(label, logit, CAST(NULL AS DOUBLE), weight) FROM wide");
    assertThat(viaUdaf).isEqualTo(exact[1]);
    Double probabilityMean = spark().createDataFrame(List.of(
            new BinaryPrediction(1.0, null, 0.9, null), new BinaryPrediction(0.0, null, 0.2, null)), BinaryPrediction.class)
        .as(Encoders.bean(BinaryPrediction.class))
        .select(LossAggregator.bce(Reduction.MEAN, ProbabilityCompat.SKLEARN).toColumn()).first();
    assertThat(probabilityMean).isEqualTo(
        (BinaryCrossEntropy.fromProbability(1, 0.9, ProbabilityCompat.SKLEARN) + BinaryCrossEntropy.fromProbability(0, 0.2, ProbabilityCompat.SKLEARN)) / 2);
  }
}
