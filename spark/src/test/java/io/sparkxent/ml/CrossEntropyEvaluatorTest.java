package io.sparkxent.ml;

import static io.sparkxent.spark.SharedSpark.spark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.math.CategoricalCrossEntropy;
import io.sparkxent.math.Exact;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrossEntropyEvaluatorTest {
  private static Dataset<Row> binary;
  private static Dataset<Row> multiclass;

  @BeforeAll
  static void data() {
    VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"x1", "x2"}).setOutputCol("features");
    // separable enough that some probabilities reach 1 - 1e-15 and get clipped by MLlib
    binary = assembler.transform(spark().sql("SELECT randn(1) AS x1, randn(2) AS x2, id FROM range(600)")
        .selectExpr("x1 * 12 AS x1", "x2", "CAST(x1 + 0.3 * x2 + 0.4 * randn(3) > 0 AS DOUBLE) AS label"));
    multiclass = assembler.transform(spark().sql("SELECT randn(4) AS x1, randn(5) AS x2 FROM range(600)")
        .selectExpr("x1", "x2", "CAST(CASE WHEN x1 > 0.5 THEN 2 WHEN x2 > 0 THEN 1 ELSE 0 END AS DOUBLE) AS label"));
    binary.cache();
    multiclass.cache();
  }

  @Test
  void probabilitiesAgreeWithMllibLogLoss() {
    Dataset<Row> scored = new LogisticRegression().setRegParam(0.001).fit(binary).transform(binary);
    double ours = new CrossEntropyEvaluator().setProbabilityCol("probability").evaluate(scored);
    double mllib = new MulticlassClassificationEvaluator().setMetricName("logLoss").evaluate(scored);
    assertThat(ours).isCloseTo(mllib, within(Math.abs(mllib) * 1e-12));
    Dataset<Row> multi = new LogisticRegression().setRegParam(0.01).fit(multiclass).transform(multiclass);
    assertThat(new CrossEntropyEvaluator().setProbabilityCol("probability").evaluate(multi))
        .isCloseTo(new MulticlassClassificationEvaluator().setMetricName("logLoss").evaluate(multi), within(1e-12));
  }

  @Test
  void columnNamesWithDotsBackticksSpacesAndNonAsciiLettersWork() {
    Dataset<Row> scored = new LogisticRegression().setRegParam(0.01).fit(multiclass).transform(multiclass)
        .withColumn("w", org.apache.spark.sql.functions.lit(1.5));
    double expected = new CrossEntropyEvaluator().setRawPredictionCol("rawPrediction").setWeightCol("w").evaluate(scored);
    Dataset<Row> renamed = scored.select(scored.col("label").as("la`bel ä"), scored.col("rawPrediction").as("raw.v2"),
        scored.col("probability").as("p rob"), scored.col("w").as("wéight.x"));
    assertThat(new CrossEntropyEvaluator().setLabelCol("la`bel ä").setRawPredictionCol("raw.v2").setWeightCol("wéight.x")
        .evaluate(renamed)).isEqualTo(expected);
    assertThat(new CrossEntropyEvaluator().setLabelCol("la`bel ä").setProbabilityCol("p rob").evaluate(renamed))
        .isEqualTo(new CrossEntropyEvaluator().setProbabilityCol("probability").evaluate(scored));
  }

  @Test
  void rawPredictionsGiveTheExactLossEvenWhereMllibClips() {
    // separable data and almost no regularisation: margins beyond 35, probabilities MLlib clips
    Dataset<Row> separable = new VectorAssembler().setInputCols(new String[] {"x1", "x2"}).setOutputCol("features")
        .transform(spark().sql("SELECT randn(8) AS x1, randn(9) AS x2 FROM range(400)")
            .selectExpr("x1", "x2", "CAST(x1 > 0 AS DOUBLE) AS label"));
    LogisticRegressionModel model = new LogisticRegression().setRegParam(1e-6).setMaxIter(200).fit(separable);
    Dataset<Row> scored = model.transform(separable);
    BigDecimal sum = BigDecimal.ZERO;
    long clipped = 0;
    List<Row> rows = scored.select("label", "rawPrediction", "probability").collectAsList();
    for (Row row : rows) {
      double margin = ((Vector) row.get(1)).apply(1);
      assertThat(((Vector) row.get(1)).apply(0)).isEqualTo(-margin); // binary LR writes [-m, m]
      sum = sum.add(new BigDecimal(BinaryCrossEntropy.fromLogit(row.getDouble(0), margin)));
      double p = ((Vector) row.get(2)).apply((int) row.getDouble(0));
      clipped += p > 1 - 1e-15 || p < 1e-15 ? 1 : 0;
    }
    assertThat(clipped).as("rows where MLlib clips").isPositive();
    double exact = Exact.correctlyRounded(sum.divide(BigDecimal.valueOf(rows.size()), new MathContext(100, RoundingMode.HALF_EVEN)));
    assertThat(new CrossEntropyEvaluator().evaluate(scored)).isEqualTo(exact);
    // a softmax of [-m, m] is sigmoid(2m): reading 2-element raw vectors as class logits differs
    assertThat(new CrossEntropyEvaluator().setRawPredictionKind("classLogits").evaluate(scored)).isNotEqualTo(exact);

    Dataset<Row> multi = new LogisticRegression().setRegParam(0.01).fit(multiclass).transform(multiclass);
    BigDecimal multiSum = BigDecimal.ZERO;
    List<Row> multiRows = multi.select("label", "rawPrediction").collectAsList();
    for (Row row : multiRows) {
      multiSum = multiSum.add(new BigDecimal(CategoricalCrossEntropy.sparseFromLogits(row.getDouble(0), ((Vector) row.get(1)).toArray())));
    }
    assertThat(new CrossEntropyEvaluator().evaluate(multi))
        .isEqualTo(Exact.correctlyRounded(multiSum.divide(BigDecimal.valueOf(multiRows.size()), new MathContext(100, RoundingMode.HALF_EVEN))));
  }

  @Test
  void crossValidatorPicksWithItAndTheSavedModelLoadsBack(@TempDir Path dir) throws Exception {
    for (Dataset<Row> data : List.of(binary, multiclass)) {
      LogisticRegression lr = new LogisticRegression().setMaxIter(30);
      ParamMap[] grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.0001, 0.1, 3.0}).build();
      CrossEntropyEvaluator evaluator = new CrossEntropyEvaluator();
      CrossValidatorModel model = new CrossValidator().setEstimator(lr).setEstimatorParamMaps(grid)
          .setEvaluator(evaluator).setNumFolds(2).setSeed(7).fit(data);
      double[] metrics = model.avgMetrics();
      int best = 0;
      for (int i = 1; i < metrics.length; i++) {
        best = metrics[i] < metrics[best] ? i : best;
      }
      assertThat(((LogisticRegressionModel) model.bestModel()).getRegParam()).isEqualTo(grid[best].apply(lr.regParam()));
      assertThat(metrics[2]).isGreaterThan(metrics[best]); // heavy regularisation loses
      String path = dir.resolve("cv-" + data.columns().length + "-" + System.nanoTime()).toString();
      model.write().overwrite().save(path);
      CrossValidatorModel loaded = CrossValidatorModel.load(path);
      assertThat(loaded.getEvaluator()).isInstanceOf(CrossEntropyEvaluator.class);
      assertThat(loaded.avgMetrics()).containsExactly(metrics);
    }
  }

  @Test
  void paramsAreDocumentedAndCopied() {
    CrossEntropyEvaluator evaluator = new CrossEntropyEvaluator().setEpsilon("keras").setWeightCol("w").setReduction("sum");
    String explained = evaluator.explainParams();
    for (String param : new String[] {"labelCol", "rawPredictionCol", "probabilityCol", "logitCol", "weightCol",
        "rawPredictionKind", "labelSmoothing", "epsilon", "reduction"}) {
      assertThat(explained).contains(param + ":");
    }
    CrossEntropyEvaluator copy = evaluator.copy(ParamMap.empty());
    assertThat(copy.getOrDefault(copy.epsilon())).isEqualTo("keras");
    assertThat(copy.uid()).isEqualTo(evaluator.uid());
    assertThat(evaluator.isLargerBetter()).isFalse();
  }

  @Test
  void scalarLogitsAndWeights() {
    Dataset<Row> data = spark().sql("SELECT CAST(id % 2 AS DOUBLE) AS label, (id - 5) / 2.0 AS logit, 1.0 + id AS w FROM range(10)");
    BigDecimal weighted = BigDecimal.ZERO;
    BigDecimal weights = BigDecimal.ZERO;
    for (long id = 0; id < 10; id++) {
      BigDecimal w = BigDecimal.valueOf(1.0 + id);
      weighted = weighted.add(w.multiply(new BigDecimal(BinaryCrossEntropy.fromLogit(id % 2, (id - 5) / 2.0))));
      weights = weights.add(w);
    }
    double ours = new CrossEntropyEvaluator().setLogitCol("logit").setWeightCol("w").evaluate(data);
    assertThat(ours).isEqualTo(Exact.correctlyRounded(weighted.divide(weights, new MathContext(100, RoundingMode.HALF_EVEN))));
    assertThat(new CrossEntropyEvaluator().setLogitCol("logit").setWeightCol("w").setReduction("sum").evaluate(data))
        .isEqualTo(Exact.correctlyRounded(weighted));
  }
}
