package io.sparkxent.job;

import static io.sparkxent.spark.SharedSpark.spark;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes in the input and the options: one line each, with the exit code of the documented table. */
class InputMistakesTest {
  @TempDir
  static Path dir;

  record Outcome(int code, String stderr) {
    String lastLine() {
      List<String> lines = stderr.lines().filter(line -> !line.isBlank()).toList();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
  }

  private static Outcome run(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true));
    try {
      return new Outcome(EvaluationJob.run(args), captured.toString());
    } finally {
      System.setErr(original);
    }
  }

  private static Path write(String name, String query) {
    Path path = dir.resolve(name);
    spark().sql(query).coalesce(1).write().parquet(path.toString());
    return path;
  }

  @Test
  void whereErrorsCarrySparksReason() {
    Path input = write("where-input", "SELECT 1.0D AS label, 0.5D AS logit FROM range(3)");
    Outcome syntax = run("--input", input.toString(), "--output", dir.resolve("never").toString(),
        "--label", "label", "--logit", "logit", "--where", "label = = 1");
    assertThat(syntax.code()).isEqualTo(EvaluationJob.USAGE);
    assertThat(syntax.stderr().strip()).doesNotContain("\n")
        .startsWith("error: --where label = = 1: [PARSE_SYNTAX_ERROR] Syntax error at or near '='");
    Outcome unknown = run("--input", input.toString(), "--output", dir.resolve("never").toString(),
        "--label", "label", "--logit", "logit", "--where", "lable = 1");
    assertThat(unknown.code()).isEqualTo(EvaluationJob.USAGE);
    assertThat(unknown.stderr().strip()).doesNotContain("\n").startsWith("error: --where lable = 1: ")
        .contains("`lable`");
    assertThat(Files.exists(dir.resolve("never"))).isFalse();
  }

  @Test
  void nestedFieldsWorkAsTopLevelColumnsNamedByTheirPath() {
    String rows = "FROM range(200)";
    Path nested = write("nested", "SELECT CAST(id % 2 AS DOUBLE) AS label,"
        + " named_struct('logit', (id - 100) / 7D, 'ctx', named_struct('country', IF(id % 3 = 0, 'DE', 'US'))) AS pred "
        + rows);
    Path flat = write("flat", "SELECT CAST(id % 2 AS DOUBLE) AS label, (id - 100) / 7D AS logit,"
        + " IF(id % 3 = 0, 'DE', 'US') AS country " + rows);
    EvaluationJob.Result fromNested = EvaluationJob.evaluate(spark(), JobConfig.parse(new String[] {
        "--input", nested.toString(), "--output", dir.resolve("nested-out").toString(), "--label", "label",
        "--logit", "pred.logit", "--slice", "pred.ctx.country",
        "--scored-output", dir.resolve("nested-scored").toString()}).orElseThrow());
    EvaluationJob.Result fromFlat = EvaluationJob.evaluate(spark(), JobConfig.parse(new String[] {
        "--input", flat.toString(), "--output", dir.resolve("flat-out").toString(), "--label", "label",
        "--logit", "logit", "--slice", "country"}).orElseThrow());
    assertThat(fromNested.schema.fieldNames()).contains("pred.ctx.country");
    List<Row> nestedRows = MetricsRows.of(fromNested);
    List<Row> flatRows = MetricsRows.of(fromFlat);
    assertThat(nestedRows).hasSize(3);
    for (int i = 0; i < nestedRows.size(); i++) {
      assertThat(nestedRows.get(i).<Object>getAs("pred.ctx.country")).isEqualTo(flatRows.get(i).getAs("country"));
      assertThat(nestedRows.get(i).<Double>getAs("loss_sum")).isEqualTo(flatRows.get(i).<Double>getAs("loss_sum"));
    }
    // the scored output keeps the input's own columns, the struct included
    assertThat(spark().read().parquet(dir.resolve("nested-scored").toString()).columns())
        .containsExactly("label", "pred", "loss");
  }

  @Test
  void filesDisagreeingOnATypeAreRefusedNamingBothWhateverTheirOrder() throws Exception {
    for (String[] types : new String[][] {{"FLOAT", "DOUBLE"}, {"DOUBLE", "FLOAT"}, {"INT", "BIGINT"}}) {
      Path input = dir.resolve("mixed-" + types[0] + "-" + types[1]);
      for (int i = 0; i < 2; i++) {
        Path part = write("parts-" + types[0] + types[1] + i, "SELECT 1.0D AS label, CAST(0.5 AS " + types[i] + ") AS logit FROM range(4)");
        try (var files = Files.list(part)) {
          for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()) {
            Files.createDirectories(input);
            Files.copy(file, input.resolve("part-" + i + ".parquet"));
          }
        }
      }
      Outcome outcome = run("--input", input.toString(), "--output", dir.resolve("never").toString(),
          "--label", "label", "--logit", "logit");
      assertThat(outcome.code()).as(outcome.stderr()).isEqualTo(EvaluationJob.FAILED);
      assertThat(outcome.stderr().strip()).doesNotContain("\n")
          .startsWith("error: column `logit` is ")
          .contains("part-0.parquet", "part-1.parquet", " but ");
      assertThat(outcome.stderr()).contains(simple(types[0]) + " in ").contains(simple(types[1]) + " in ");
    }
  }

  private static String simple(String sqlType) {
    return sqlType.toLowerCase();
  }

  @Test
  void anEmptyInputDirectoryExitsZeroWithTheWarning() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty-night"));
    Files.writeString(empty.resolve("_SUCCESS"), "");
    Path output = dir.resolve("empty-night-out");
    Outcome outcome = run("--input", empty.toString(), "--output", output.toString(), "--label", "label",
        "--logit", "logit", "--slice", "model", "--run-id", "empty");
    assertThat(outcome.code()).as(outcome.stderr()).isZero();
    assertThat(outcome.stderr()).contains("warning: no data files in --input " + empty)
        .contains("warning: no rows to evaluate");
    Row overall = spark().read().parquet(output.toString()).first();
    assertThat(overall.<Long>getAs("rows")).isZero();
    assertThat(overall.<String>getAs("slice")).isEqualTo("overall");
  }
}
