package io.sparkxent.spark;

import io.sparkxent.spark.functions.BceLogitsFunction;
import io.sparkxent.spark.functions.LossFunction;
import static io.sparkxent.spark.SharedSpark.scalar;
import static io.sparkxent.spark.SharedSpark.spark;
import static io.sparkxent.spark.SharedSpark.sql;
import static io.sparkxent.spark.SharedSpark.withAnsi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.math.CategoricalCrossEntropy;
import io.sparkxent.math.ProbabilityCompat;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SqlFunctionsTest {

  @BeforeAll
  static void predictions() {
    StructType schema = new StructType()
        .add("label", DataTypes.DoubleType)
        .add("logit", DataTypes.DoubleType)
        .add("int_label", DataTypes.IntegerType)
        .add("long_logit", DataTypes.LongType)
        .add("float_logit", DataTypes.FloatType)
        .add("decimal_logit", DataTypes.createDecimalType(10, 3));
    List<Row> rows = new ArrayList<>();
    double[] logits = {0, 1e-300, -1e-300, 40, -40, 710, -710, 1e300, -1e300,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 2.5};
    for (int i = 0; i < logits.length; i++) {
      rows.add(RowFactory.create(i % 2 == 0 ? 1.0 : 0.25, logits[i], i % 2, (long) i - 3, (float) i / 3, new java.math.BigDecimal("1.250")));
    }
    rows.add(RowFactory.create(null, 1.0, null, null, null, null));
    rows.add(RowFactory.create(1.0, null, 1, 2L, 1f, null));
    spark().createDataFrame(rows, schema).createOrReplaceTempView("preds");
  }

  @Test
  void everyDocumentedExampleProducesItsDocumentedResult() {
    int checked = 0;
    for (XentFunction function : XentFunctions.all()) {
      for (FunctionExample example : function.examples()) {
        assertThat(String.valueOf(scalar(example.sql()))).as(example.sql()).isEqualTo(example.result());
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(2 * XentFunctions.all().size());
  }

  @Test
  void sqlResultsAreTheKernelsBitForBit() {
    for (Row row : sql("SELECT label, logit, bce_logits(label, logit), bce_logits(label, logit, 0.1),"
        + " weighted_bce_logits(label, logit, 3), focal_bce_logits(label, logit, 2, 0.25)"
        + " FROM preds WHERE label IS NOT NULL AND logit IS NOT NULL")) {
      double z = row.getDouble(0);
      double x = row.getDouble(1);
      assertThat(row.getDouble(2)).isEqualTo(BinaryCrossEntropy.fromLogit(z, x));
      assertThat(row.getDouble(3)).isEqualTo(BinaryCrossEntropy.fromLogit(z, x, 0.1));
      assertThat(row.getDouble(4)).isEqualTo(BinaryCrossEntropy.weightedFromLogit(z, x, 3));
      assertThat(row.getDouble(5)).isEqualTo(BinaryCrossEntropy.focalFromLogit(z, x, 2, 0.25));
    }
  }

  /** A StaticInvoke of the class, as Spark 4 ({@code static_invoke(C.invoke(}) or 3.5 prints it. */
  private static void assertStaticInvoke(String plan, String boundClass) {
    assertThat(plan).as(plan).containsAnyOf(
        "static_invoke(" + boundClass + ".invoke(", "staticinvoke(class " + boundClass + ", DoubleType, invoke,");
  }

  @Test
  void planIsAStaticInvokeInsideWholeStageCodegen() {
    String[] plans = new String[2];
    withAnsi(true, () -> {
      Dataset<Row> query = spark().sql("SELECT bce_logits(id % 2, id / 10.0) AS loss FROM range(100)");
      plans[0] = query.queryExecution().optimizedPlan().toString();
      plans[1] = query.queryExecution().executedPlan().toString();
    });
    assertStaticInvoke(plans[0], "io.sparkxent.spark.functions.BceLogitsBound$Strict");
    assertThat(plans[0]).doesNotContain("ScalaUDF").doesNotContain("UDF(");
    assertThat(plans[1]).contains("*(");
    assertStaticInvoke(plans[1], "io.sparkxent.spark.functions.BceLogitsBound$Strict");
    for (XentFunction function : XentFunctions.all()) {
      if (!(function instanceof LossFunction)) {
        continue;
      }
      String bound = function.getClass().getName().replaceFirst("Function$", "Bound");
      for (boolean ansi : new boolean[] {true, false}) {
        for (FunctionExample example : function.examples()) {
          String[] analyzed = new String[1];
          withAnsi(ansi, () -> analyzed[0] = spark().sql(example.sql()).queryExecution().analyzed().toString());
          assertStaticInvoke(analyzed[0], bound + (ansi ? "$Strict" : "$OrNull"));
        }
      }
    }
  }

  @Test
  void implicitCastsAcceptIntegersFloatsDecimalsAndLiterals() {
    Row row = sql("SELECT bce_logits(int_label, long_logit), bce_logits(int_label, float_logit),"
        + " bce_logits(int_label, decimal_logit), bce_logits(1, 0.5), bce_logits(1L, 2), bce(1, 0.5BD)"
        + " FROM preds WHERE int_label = 1 AND long_logit = -2").get(0);
    assertThat(row.getDouble(0)).isEqualTo(BinaryCrossEntropy.fromLogit(1, -2));
    assertThat(row.getDouble(1)).isEqualTo(BinaryCrossEntropy.fromLogit(1, (double) (1f / 3)));
    assertThat(row.getDouble(2)).isEqualTo(BinaryCrossEntropy.fromLogit(1, 1.25));
    assertThat(row.getDouble(3)).isEqualTo(BinaryCrossEntropy.fromLogit(1, 0.5));
    assertThat(row.getDouble(4)).isEqualTo(BinaryCrossEntropy.fromLogit(1, 2));
    assertThat(row.getDouble(5)).isEqualTo(Math.log(2));
    assertThat(scalar("SELECT sparse_cce_logits(2, array(1, 2, 3))"))
        .isEqualTo(CategoricalCrossEntropy.sparseFromLogits(2, new double[] {1, 2, 3}));
  }

  @Test
  void nullInGivesNullOut() {
    assertThat(sql("SELECT bce_logits(label, logit) FROM preds WHERE label IS NULL OR logit IS NULL"))
        .hasSize(2).allSatisfy(row -> assertThat(row.isNullAt(0)).isTrue());
    assertThat(scalar("SELECT bce_logits(NULL, 1)")).isNull();
    assertThat(scalar("SELECT bce(1, 0.5, CAST(NULL AS STRING))")).isNull();
    assertThat(scalar("SELECT cce_logits(array(1, 0), NULL)")).isNull();
    assertThat(scalar("SELECT cce_logits(array(1, NULL), array(1, 2))")).isNull();
    assertThat(scalar("SELECT sparse_cce_logits(NULL, array(1, 2))")).isNull();
  }

  @Test
  void invalidInputRaisesInAnsiModeNamingFunctionArgumentValueAndRange() {
    withAnsi(true, () -> {
      assertThatThrownBy(() -> scalar("SELECT bce_logits(1.5, 0)"))
          .hasStackTraceContaining("bce_logits: label = 1.5 is invalid; expected a number in [0, 1]");
      assertThatThrownBy(() -> scalar("SELECT bce(1, 1.25, 'keras')"))
          .hasStackTraceContaining("bce: probability = 1.25 is invalid; expected a probability in [0, 1]");
      assertThatThrownBy(() -> scalar("SELECT sparse_cce_logits(3, array(1, 2, 3))"))
          .hasStackTraceContaining("sparse_cce_logits: class_index = 3.0 is invalid; expected a whole number in [0, 3)");
      assertThatThrownBy(() -> scalar("SELECT cce_logits(array(1, 0), array(1, 2, 3))"))
          .hasStackTraceContaining("cce_logits: logits = an array of 3 elements is invalid; expected as many elements as labels (2)");
      assertThatThrownBy(() -> scalar("SELECT bce(1, 0.5, 'tf')"))
          .hasStackTraceContaining("bce: compat = 'tf' is invalid");
      assertThatThrownBy(() -> scalar("SELECT cce(array(1), array(0.5), 0.7)"))
          .hasStackTraceContaining("cce: epsilon = 0.7 is invalid; expected a number in [0, 0.5)");
      assertThatThrownBy(() -> scalar("SELECT sparse_cce_logits(0, array())"))
          .hasStackTraceContaining("sparse_cce_logits: class_index = 0.0 is invalid");
    });
  }

  @Test
  void invalidInputGivesNullWithoutAnsi() {
    withAnsi(false, () -> {
      assertThat(scalar("SELECT bce_logits(1.5, 0)")).isNull();
      assertThat(scalar("SELECT bce(1, 1.25)")).isNull();
      assertThat(scalar("SELECT sparse_cce_logits(3, array(1, 2, 3))")).isNull();
      assertThat(scalar("SELECT cce_logits(array(1, 0), array(1, 2, 3))")).isNull();
      assertThat(scalar("SELECT bce(1, 0.5, 'tf')")).isNull();
      assertThat(scalar("SELECT bce_logits(1, 0)")).isEqualTo(Math.log(2));
      assertThat(spark().sql("SELECT bce_logits(1.5, 0)").queryExecution().analyzed().toString())
          .contains("BceLogitsBound$OrNull");
    });
  }

  @Test
  void nanGivesNan() {
    assertThat((Double) scalar("SELECT bce_logits(1, double('NaN'))")).isNaN();
    assertThat((Double) scalar("SELECT bce_logits(double('NaN'), 1)")).isNaN();
  }

  @Test
  void wrongArgumentsFailAnalysisWithUsage() {
    assertThatThrownBy(() -> scalar("SELECT bce_logits(1)"))
        .isInstanceOf(AnalysisException.class)
        .hasMessageContaining("bce_logits got 1 argument(s) of type (int)")
        .hasMessageContaining("bce_logits(label numeric, logit numeric)");
    assertThatThrownBy(() -> scalar("SELECT bce_logits('a', 1)"))
        .isInstanceOf(AnalysisException.class)
        .hasMessageContaining("of type (string, int)");
    assertThatThrownBy(() -> scalar("SELECT cce_logits(array('a'), array(1))"))
        .isInstanceOf(AnalysisException.class)
        .hasMessageContaining("labels array<double> or vector, logits array<double> or vector");
  }

  @Test
  void describeFunctionShowsUsageAndExamples() {
    String description = String.join("\n",
        sql("DESCRIBE FUNCTION EXTENDED bce_logits").stream().map(row -> row.getString(0)).toList());
    assertThat(description)
        .contains("Function: bce_logits")
        .contains("bce_logits(label, logit [, label_smoothing])")
        .contains("Within 4 ulp")
        .contains("> SELECT bce_logits(1, 40);")
        .contains("4.248354255291589E-18");
  }

  @Test
  void catalogQualifiedCallsReadTheSameRegistry() {
    assertThat(scalar("SELECT xent.bce_logits(1, 40)")).isEqualTo(4.248354255291589E-18);
    String[] plan = new String[1];
    withAnsi(true, () -> plan[0] =
        spark().sql("SELECT xent.bce_logits(label, logit) FROM preds").queryExecution().optimizedPlan().toString());
    assertStaticInvoke(plan[0], "io.sparkxent.spark.functions.BceLogitsBound$Strict");
    assertThat(sql("SHOW FUNCTIONS IN xent").stream().map(row -> row.getString(0)).toList())
        .contains("xent.bce_logits", "xent.sparse_cce");
    assertThatThrownBy(() -> scalar("SELECT xent.no_such_loss(1)")).isInstanceOf(AnalysisException.class);
  }

  @Test
  void mllibVectorsAreAcceptedWhereverArraysAre() {
    StructType schema = new StructType()
        .add("label", DataTypes.DoubleType)
        .add("raw", SQLDataTypes.VectorType())
        .add("probability", SQLDataTypes.VectorType())
        .add("one_hot", SQLDataTypes.VectorType());
    List<Row> rows = List.of(
        RowFactory.create(1.0, Vectors.dense(-1.5, 1.5), Vectors.dense(0.2, 0.8), Vectors.dense(0, 1)),
        RowFactory.create(0.0, Vectors.sparse(2, new int[] {1}, new double[] {2.0}), Vectors.sparse(2, new int[] {0}, new double[] {1.0}),
            Vectors.sparse(2, new int[] {0}, new double[] {1.0})));
    spark().createDataFrame(rows, schema).createOrReplaceTempView("scored");
    List<Row> result = sql("SELECT sparse_cce_logits(label, raw), sparse_cce(label, probability, 'spark_mllib'),"
        + " cce_logits(array(0, 1), raw), bce_logits(array(0, 1), raw), cce(array(1, 0), probability)"
        + " FROM scored ORDER BY label");
    Row zero = result.get(0);
    assertThat(zero.getDouble(0)).isEqualTo(CategoricalCrossEntropy.sparseFromLogits(0, new double[] {0, 2}));
    assertThat(zero.getDouble(1)).isEqualTo(-Math.log(1 - 1e-15));
    assertThat(zero.getDouble(2)).isEqualTo(CategoricalCrossEntropy.fromLogits(new double[] {0, 1}, new double[] {0, 2}));
    assertThat(zero.getDouble(3)).isEqualTo(BinaryCrossEntropy.meanFromLogits(new double[] {0, 1}, new double[] {0, 2}, 0));
    Row one = result.get(1);
    assertThat(one.getDouble(0)).isEqualTo(CategoricalCrossEntropy.sparseFromLogits(1, new double[] {-1.5, 1.5}));
    assertThat(one.getDouble(1)).isEqualTo(
        CategoricalCrossEntropy.sparseFromProbabilities(1, new double[] {0.2, 0.8}, ProbabilityCompat.SPARK_MLLIB));
    assertThat(one.getDouble(4)).isEqualTo(
        CategoricalCrossEntropy.fromProbabilities(new double[] {1, 0}, new double[] {0.2, 0.8}, ProbabilityCompat.KERAS));
    // labels as vectors too (OneHotEncoder's output), with arrays or vectors of predictions
    for (Row row : sql("SELECT label, cce_logits(one_hot, raw), sparse_cce_logits(label, raw), cce(one_hot, probability),"
        + " sparse_cce(label, probability), bce_logits(one_hot, raw), bce(one_hot, array(0.3, 0.6)) FROM scored")) {
      assertThat(row.getDouble(1)).isEqualTo(row.getDouble(2));
      assertThat(row.getDouble(3)).isEqualTo(row.getDouble(4));
      assertThat(row.isNullAt(5) || row.isNullAt(6)).isFalse();
    }
    withAnsi(true, () -> assertThatThrownBy(() -> sql("SELECT cce_logits(array(0, 1, 0), raw) FROM scored"))
        .hasStackTraceContaining("cce_logits: logits = an array of 2 elements is invalid"));
  }
}
