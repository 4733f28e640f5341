package io.sparkxent.job;

import static io.sparkxent.spark.SharedSpark.spark;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Column names as users have them: with dots, backticks, spaces and non-ASCII letters. Each names
 * one top-level column wherever the job takes a column (label, prediction, weight, slices, the
 * scored output), and the metrics are the bits a plainly named copy of the data gives.
 */
class ColumnNamesTest {
  private static final String LABEL = "la`bel";
  private static final String LOGIT = "score.v2 logit";
  private static final String WEIGHT = "Gewicht ä";
  private static final String SLICE = "model.name";

  @TempDir
  static Path dir;
  static Path plain;
  static Path odd;

  @BeforeAll
  static void writeBothNamings() {
    SplittableRandom random = new SplittableRandom(5);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      double label = random.nextInt(2);
      rows.add(RowFactory.create("m" + (i % 3), label, random.nextGaussian() * 3, 0.5 + random.nextDouble()));
    }
    rows.add(RowFactory.create("m0", 1.0, 0.5, null)); // one invalid row, for the message
    StructType schema = new StructType().add("model", DataTypes.StringType).add("label", DataTypes.DoubleType)
        .add("logit", DataTypes.DoubleType).add("weight", DataTypes.DoubleType);
    plain = dir.resolve("plain");
    odd = dir.resolve("odd");
    spark().createDataFrame(rows, schema).coalesce(2).write().parquet(plain.toString());
    spark().read().parquet(plain.toString())
        .select(col("model").as(SLICE), col("label").as(LABEL), col("logit").as(LOGIT), col("weight").as(WEIGHT))
        .write().parquet(odd.toString());
  }

  private static JobConfig config(Path input, String output, String label, String logit, String weight,
      String slice, String... extra) {
    List<String> args = new ArrayList<>(List.of("--input", input.toString(), "--output", dir.resolve(output).toString(),
        "--label", label, "--logit", logit, "--weight", weight, "--slice", slice, "--run-id", "r"));
    args.addAll(List.of(extra));
    return JobConfig.parse(args.toArray(new String[0])).orElseThrow();
  }

  @Test
  void oddNamesGiveTheSameMetricsAsPlainOnes() {
    EvaluationJob.Result expected = EvaluationJob.evaluate(spark(),
        config(plain, "plain-metrics", "label", "logit", "weight", "model", "--on-invalid", "skip"));
    EvaluationJob.Result actual = EvaluationJob.evaluate(spark(),
        config(odd, "odd-metrics", LABEL, LOGIT, WEIGHT, SLICE, "--on-invalid", "skip",
            "--scored-output", dir.resolve("odd-scored").toString()));
    assertThat(actual.schema.fieldNames()).contains(SLICE);
    List<Row> expectedRows = MetricsRows.of(expected);
    List<Row> actualRows = MetricsRows.of(actual);
    assertThat(actualRows).hasSize(expectedRows.size());
    for (int i = 0; i < expectedRows.size(); i++) {
      for (String metric : List.of("rows", "weight_sum", "loss_sum", "loss_mean", "loss_stderr", "skipped_rows")) {
        assertThat(value(actual, actualRows, i, metric)).as(metric + " of row " + i).isEqualTo(value(expected, expectedRows, i, metric));
      }
      assertThat(value(actual, actualRows, i, SLICE)).isEqualTo(value(expected, expectedRows, i, "model"));
    }
    assertThat(spark().read().parquet(dir.resolve("odd-scored").toString()).columns())
        .containsExactly(SLICE, LABEL, LOGIT, WEIGHT, "loss");
  }

  private static Object value(EvaluationJob.Result result, List<Row> rows, int row, String column) {
    return rows.get(row).get(result.schema.fieldIndex(column));
  }

  @Test
  void invalidRowMessageNamesTheOddColumnQuotedOneWay() {
    assertThatThrownBy(() -> EvaluationJob.evaluate(spark(), config(odd, "odd-fail", LABEL, LOGIT, WEIGHT, SLICE)))
        .hasMessageStartingWith("weight column `Gewicht ä` = NULL is not a finite number >= 0");
    assertThatThrownBy(() -> EvaluationJob.evaluate(spark(), config(odd, "odd-missing", "model.name.x", LOGIT, WEIGHT, SLICE)))
        .hasMessageStartingWith("column `model.name.x` (--label) is not in the input");
  }
}
