package io.sparkxent.job;

import static io.sparkxent.spark.SharedSpark.spark;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's comparison with an earlier run when both runs have more rows than the report keeps
 * in the driver ({@value ReportData#TABLE_ROWS}): the deltas then come from a join on the executors
 * and a top-k per slicing. Checked against the two published tables, joined here in Java.
 */
class ReportComparisonTest {
  private static final int USERS = 2_000;

  @TempDir
  static Path dir;

  private static void run(String runId, int seed) {
    Path input = dir.resolve("input-" + runId);
    spark().sql("SELECT CAST(id % " + USERS + " AS STRING) AS user_id, CAST((id * " + seed + ") % 2 AS DOUBLE) AS label,"
        + " ((id * " + (seed + 7) + ") % 23) / 3.0D - 3.5D AS logit FROM range(" + (3 * USERS) + ")")
        .repartition(2).write().parquet(input.toString());
    EvaluationJob.evaluate(spark(), JobConfig.parse(new String[] {"--input", input.toString(), "--output",
        dir.resolve("metrics").toString(), "--label", "label", "--logit", "logit", "--slice", "user_id",
        "--run-id", runId}).orElseThrow());
  }

  @Test
  void twoLargeRunsAreComparedOnTheExecutorsAsTheTablesSay() {
    TestLines.assumeThorough(); // two job runs and a report: the thorough lines only, for CI time
    run("a", 3);
    run("b", 5);
    MetricsHistory history = MetricsHistory.directory(spark(), dir.resolve("metrics").toString(), "parquet");
    Dataset<Row> current = history.metrics(List.of("b"));
    assertThat(current.count()).isGreaterThan(ReportData.TABLE_ROWS);
    ReportData report = new ReportData("b", current, history.bins("b"), history, Optional.of("a"), 30);

    // the expected deltas: every user in both runs, by |mean - baseline mean|
    Map<String, Row> before = new HashMap<>();
    history.metrics(List.of("a")).where("slice = 'user_id'").collectAsList()
        .forEach(row -> before.put(row.getAs("user_id"), row));
    List<double[]> expected = new ArrayList<>();
    long separated = 0;
    for (Row row : current.where("slice = 'user_id'").collectAsList()) {
      Row then = before.get(row.<String>getAs("user_id"));
      double mean = row.getAs("loss_mean");
      double base = then.getAs("loss_mean");
      expected.add(new double[] {Math.abs(mean - base), mean, base});
      if (row.<Double>getAs("ci95_low") > then.<Double>getAs("ci95_high")
          || row.<Double>getAs("ci95_high") < then.<Double>getAs("ci95_low")) {
        separated++;
      }
    }
    assertThat(expected).hasSize(USERS);
    expected.sort(Comparator.comparingDouble((double[] delta) -> delta[0]).reversed());

    List<ReportData.Delta> users = report.deltas.stream().filter(delta -> delta.slicing().equals("user_id")).toList();
    assertThat(users).hasSize(ReportData.CHART_SLICES);
    assertThat(report.separatedSlices).isEqualTo(separated);
    for (int i = 0; i < users.size(); i++) {
      ReportData.Delta delta = users.get(i);
      // the k largest moves, largest first (ties in any order), each with its own two means
      assertThat(Math.abs(delta.mean() - delta.baseMean())).isEqualTo(expected.get(i)[0]);
      Row then = before.get(delta.label().replace("user_id=", ""));
      assertThat(delta.baseMean()).isEqualTo(then.<Double>getAs("loss_mean"));
    }
    ReportData.Delta overall = report.deltas.stream().filter(delta -> delta.slicing().equals(SliceMetrics.OVERALL))
        .findFirst().orElseThrow();
    Row overallBefore = history.metrics(List.of("a")).where("slice = 'overall'").first();
    assertThat(overall.baseMean()).isEqualTo(overallBefore.<Double>getAs("loss_mean"));
  }
}
