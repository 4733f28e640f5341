package io.sparkxent.job;

import static io.sparkxent.spark.SharedSpark.spark;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in a real headless browser (Debian's chromium): every chart's marks carry the
 * numbers of the metrics table, the page makes no request and logs no error, and it renders with
 * one run, with no rows and with 1,000 slices over 30 runs. Screenshots go to
 * {@code target/report-screenshots/}.
 */
class ReportBrowserTest {
  private static final Path SCREENSHOTS = Paths.get("target", "report-screenshots");
  /** Every mark's numbers, read from the rendered DOM. */
  private static final String MARKS = "JSON.stringify(Array.from(document.querySelectorAll(%s)).map(function (e) {"
      + " var o = {}; for (var i = 0; i < e.attributes.length; i++) { var a = e.attributes[i];"
      + " if (a.name.indexOf('data-') === 0) { o[a.name.substring(5)] = a.value; } } return o; }))";

  @TempDir
  static Path dir;
  static HeadlessChromium browser;

  @BeforeAll
  static void startBrowser() throws Exception {
    TestLines.assumeThorough(); // the page is the same on every line; its reading of Spark is tested on each
    browser = HeadlessChromium.start(dir.resolve("profile"));
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  private static Path predictions(String name, String logit) {
    Path path = dir.resolve(name);
    spark().sql("SELECT element_at(array('a', 'b', 'c'), CAST(id % 3 AS INT) + 1) AS model,"
        + " element_at(array('DE', 'US', 'IN', 'BR'), CAST(id % 4 AS INT) + 1) AS country,"
        + " CAST(rand(7) < 0.3 AS DOUBLE) AS label, randn(8) AS noise FROM range(9000)")
        .selectExpr("model", "country", "label", logit + " AS logit").write().parquet(path.toString());
    return path;
  }

  private static EvaluationJob.Result evaluate(Path input, Path output, String runId, String... extra) {
    List<String> args = new ArrayList<>(List.of("--input", input.toString(), "--output", output.toString(), "--label", "label",
        "--logit", "logit", "--slice", "model", "--slice", "model,country", "--min-slice-rows", "1000", "--run-id", runId));
    args.addAll(List.of(extra));
    return EvaluationJob.evaluate(spark(), JobConfig.parse(args.toArray(new String[0])).orElseThrow());
  }

  private static List<JsonNode> marks(HeadlessChromium.Page page, String selector) throws Exception {
    List<JsonNode> marks = new ArrayList<>();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    json.readTree(page.evaluate(String.format(MARKS, json.writeValueAsString(selector))).asText())
        .forEach(marks::add);
    return marks;
  }

  private static double number(JsonNode mark, String name) {
    return Double.parseDouble(mark.get(name).asText());
  }

  private static void assertClean(HeadlessChromium.Page page) {
    assertThat(page.requests()).as("requests the page made").containsExactly(page.url());
    assertThat(page.errors()).as("console errors").isEmpty();
  }

  @Test
  void everyChartCarriesTheNumbersOfTheMetricsTable() throws Exception {
    Path good = predictions("good", "(label - 0.3) * 2.5 + noise");
    // model c gets worse in the third run: its intervals part from the second run's
    Path worse = predictions("worse", "IF(model = 'c', 0.4 * noise, (label - 0.3) * 2.5 + noise)");
    Path output = dir.resolve("metrics");
    Path copy = dir.resolve("copies/latest.html");
    evaluate(good, output, "d1", "--tag", "dataset_date=2026-11-22");
    evaluate(good, output, "d2", "--tag", "dataset_date=2026-11-23", "--where", "country <> 'BR'");
    EvaluationJob.Result run = evaluate(worse, output, "d3", "--tag", "dataset_date=2026-11-24", "--report", copy.toString());
    Path html = output.resolve("run_id=d3/_report.html");
    assertThat(Files.readString(copy)).isEqualTo(Files.readString(html));
    assertThat(output.resolve("run_id=d3/_report.json")).exists();

    HeadlessChromium.Page page = browser.open(html.toUri().toString());
    page.screenshot(SCREENSHOTS.resolve("report.png"));
    assertClean(page);

    List<Row> rows = MetricsRows.of(run);
    StructType schema = run.schema;
    Map<String, Row> byLabel = new HashMap<>();
    rows.forEach(row -> byLabel.put(RunReport.describe(row, schema), row));
    Row overall = byLabel.get("overall");
    JsonNode headline = marks(page, "#headline").get(0);
    assertThat(number(headline, "mean")).isEqualTo(overall.<Double>getAs("loss_mean"));
    assertThat(number(headline, "low")).isEqualTo(overall.<Double>getAs("ci95_low"));
    assertThat(number(headline, "high")).isEqualTo(overall.<Double>getAs("ci95_high"));
    assertThat(headline.get("rows").asLong()).isEqualTo(overall.<Long>getAs("rows"));

    // each slice's dot and whisker: its mean and interval, small slices marked, worst first
    List<JsonNode> slices = marks(page, "svg.dot-and-whisker[data-slicing='model,country'] .slice-mark");
    assertThat(slices).hasSize(12);
    double previous = Double.POSITIVE_INFINITY;
    for (JsonNode mark : slices) {
      Row row = byLabel.get(mark.get("label").asText());
      assertThat(number(mark, "mean")).isEqualTo(row.<Double>getAs("loss_mean"));
      assertThat(number(mark, "low")).isEqualTo(row.<Double>getAs("ci95_low"));
      assertThat(number(mark, "high")).isEqualTo(row.<Double>getAs("ci95_high"));
      assertThat(mark.get("small").asBoolean()).isEqualTo(row.<Boolean>getAs("small_slice")).isTrue();
      assertThat(number(mark, "mean")).isLessThanOrEqualTo(previous);
      previous = number(mark, "mean");
    }
    assertThat(marks(page, "svg.dot-and-whisker[data-slicing='model'] .slice-mark")).hasSize(3)
        .allSatisfy(mark -> assertThat(mark.get("small").asBoolean()).isFalse());
    assertThat(number(marks(page, "svg.dot-and-whisker .reference").get(0), "mean")).isEqualTo(overall.<Double>getAs("loss_mean"));

    // the trend: the three runs' overall means, oldest first, with their tags in the titles
    Map<String, Double> overallOfRun = new HashMap<>();
    spark().read().parquet(output.toString()).where("slice = 'overall'").collectAsList()
        .forEach(row -> overallOfRun.put(row.getAs("run_id").toString(), row.getAs("loss_mean")));
    List<JsonNode> trend = marks(page, "svg.trend[data-series='overall'] .trend-point");
    assertThat(trend).extracting(mark -> mark.get("run").asText()).containsExactly("d1", "d2", "d3");
    for (JsonNode point : trend) {
      assertThat(number(point, "mean")).isEqualTo(overallOfRun.get(point.get("run").asText()));
    }
    assertThat(page.evaluate("document.querySelector(\"svg.trend[data-series='overall'] title\").textContent").asText())
        .contains("dataset_date=2026-11-22");

    // against the previous run (d2): the deltas, and which intervals part
    Map<String, Row> baseline = new HashMap<>();
    spark().read().parquet(output.resolve("run_id=d2").toString()).collectAsList()
        .forEach(row -> baseline.put(RunReport.describe(row, row.schema()), row));
    List<JsonNode> deltas = marks(page, "svg.comparison .delta-mark");
    assertThat(deltas).isNotEmpty();
    int separated = 0;
    for (JsonNode mark : deltas) {
      Row now = byLabel.get(mark.get("label").asText());
      Row before = baseline.get(mark.get("label").asText());
      assertThat(number(mark, "mean")).isEqualTo(now.<Double>getAs("loss_mean"));
      assertThat(number(mark, "base-mean")).isEqualTo(before.<Double>getAs("loss_mean"));
      boolean parted = now.<Double>getAs("ci95_low") > before.<Double>getAs("ci95_high")
          || now.<Double>getAs("ci95_high") < before.<Double>getAs("ci95_low");
      assertThat(mark.get("separated").asBoolean()).as(mark.toString()).isEqualTo(parted);
      separated += parted ? 1 : 0;
    }
    assertThat(separated).isPositive();
    assertThat(deltas.stream().filter(mark -> mark.get("label").asText().equals("model=c")).findFirst().orElseThrow()
        .get("separated").asBoolean()).isTrue();

    // calibration: one dot per non-empty bin of the overall row, at its mean label
    List<Row> bins = spark().read().parquet(output.resolve("run_id=d3/_calibration").toString())
        .where("slice = 'overall'").orderBy("bin").collectAsList();
    List<JsonNode> dots = marks(page, ".calibration-bin");
    assertThat(dots).hasSize(bins.size());
    for (int i = 0; i < bins.size(); i++) {
      assertThat(number(dots.get(i), "mean-label")).isEqualTo(bins.get(i).<Double>getAs("mean_label"));
      assertThat(number(dots.get(i), "mean-prediction")).isEqualTo(bins.get(i).<Double>getAs("mean_prediction"));
    }

    // the table: every row; a click on a header sorts by it
    assertThat(page.evaluate("document.querySelectorAll('#metrics-table tbody tr').length").asInt()).isEqualTo(rows.size());
    int column = page.evaluate("Array.from(document.querySelectorAll('#metrics-table th')).findIndex(function (th) {"
        + " return th.textContent === 'loss_mean'; })").asInt();
    page.evaluate("document.querySelectorAll('#metrics-table th')[" + column + "].click(); 0");
    double lowest = rows.stream().mapToDouble(row -> row.<Double>getAs("loss_mean")).min().orElseThrow();
    assertThat(Double.parseDouble(page.evaluate("document.querySelector('#metrics-table tbody tr').cells[" + column
        + "].getAttribute('data-value')").asText())).isEqualTo(lowest);
    // every chart has an anchor the navigation links to
    assertThat(page.evaluate("Array.from(document.querySelectorAll('nav a')).every(function (a) {"
        + " return document.getElementById(a.getAttribute('href').substring(1)) !== null; })").asBoolean()).isTrue();
  }

  @Test
  void oneRunWithNoRowsRendersWithoutErrors() throws Exception {
    Path empty = dir.resolve("empty");
    spark().sql("SELECT 'a' AS model, 'DE' AS country, 1.0 AS label, 0.0 AS logit").where("false").write().parquet(empty.toString());
    Path output = dir.resolve("empty-metrics");
    evaluate(empty, output, "e1");
    HeadlessChromium.Page page = browser.open(output.resolve("run_id=e1/_report.html").toUri().toString());
    page.screenshot(SCREENSHOTS.resolve("no-rows.png"));
    assertClean(page);
    assertThat(marks(page, "#headline").get(0).get("rows").asLong()).isZero();
    assertThat(page.evaluate("document.getElementById('headline').textContent").asText()).contains("no rows");
    assertThat(marks(page, ".slice-mark")).isEmpty();
    assertThat(marks(page, ".trend-point")).isEmpty();
    assertThat(page.evaluate("document.querySelectorAll('#metrics-table tbody tr').length").asInt()).isEqualTo(1);
  }

  /** 1,000 slices over 30 runs, the report rebuilt by the report mode (scripts/report.sh) from the directory. */
  @Test
  void aThousandSlicesOverThirtyRuns() throws Exception {
    Path input = dir.resolve("thousand");
    spark().sql("SELECT CAST(id % 1000 AS STRING) AS model, 'DE' AS country, CAST(rand(3) < 0.3 AS DOUBLE) AS label,"
        + " randn(4) AS logit FROM range(50000)").write().parquet(input.toString());
    Path output = dir.resolve("thousand-metrics");
    List<String> args = List.of("--input", input.toString(), "--output", output.toString(), "--label", "label", "--logit",
        "logit", "--slice", "model", "--run-id", "run-30");
    EvaluationJob.Result newest = EvaluationJob.evaluate(spark(), JobConfig.parse(args.toArray(new String[0])).orElseThrow());
    // 29 earlier nights: the same table a day apart each, its means shifted
    for (int day = 1; day < 30; day++) {
      spark().read().parquet(output.resolve("run_id=run-30").toString())
          .withColumn("evaluated_at", col("evaluated_at").minus(org.apache.spark.sql.functions.expr("INTERVAL " + day + " DAYS")))
          .withColumn("loss_mean", col("loss_mean").plus(day * 0.001))
          .write().parquet(output.resolve(String.format("run_id=run-%02d", 30 - day)).toString());
    }
    Path report = dir.resolve("thousand.html");
    assertThat(ReportJob.run(new String[] {"--output", output.toString(), "--report", report.toString()})).isZero();
    HeadlessChromium.Page page = browser.open(report.toUri().toString());
    page.screenshot(SCREENSHOTS.resolve("thousand-slices.png"));
    assertClean(page);
    System.out.printf("report of 1,000 slices x 30 runs: %,d bytes, loaded in %.0f ms%n", Files.size(report), page.loadMillis());
    assertThat(marks(page, "svg.trend[data-series='overall'] .trend-point")).hasSize(30);
    assertThat(marks(page, ".slice-mark")).hasSize(ReportData.CHART_SLICES);
    assertThat(page.evaluate("document.querySelectorAll('#metrics-table tbody tr').length").asInt())
        .isEqualTo((int) newest.metricRows);
    assertThat(marks(page, "svg.comparison .delta-mark")).isNotEmpty(); // against run-29, the previous run
    assertThat(dir.resolve("thousand.json")).exists();
  }
}
