package io.sparkxent.job;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The report without the predictions: {@code scripts/report.sh} rebuilds a run's HTML report (and
 * its {@code _report.json}) from a metrics directory or catalog table.
 *
 * <pre>
 * spark-submit --class io.sparkxent.job.ReportJob JOB.jar --output metrics/ [--run-id ID] [--report FILE]
 * </pre>
 */
public final class ReportJob {
  static final String HTML = "_report.html";
  static final String JSON = "_report.json";
  private static final Set<String> KEYS = Set.of(JobConfig.OUTPUT, JobConfig.OUTPUT_TABLE, JobConfig.FORMAT, JobConfig.RUN_ID,
      JobConfig.BASELINE_RUN, JobConfig.REPORT, JobConfig.REPORT_RUNS);

  static final String HELP = String.join("\n",
      "spark-xent report: rebuild a run's HTML report from its published metrics (no predictions read).",
      "",
      "Usage: scripts/report.sh [spark-submit options] [--] --output DIR | --output-table TABLE [options]",
      "  --output DIR               metrics directory of the evaluation job (--format parquet|csv|json)",
      "  --output-table TABLE       or its catalog table (the bins in TABLE_calibration)",
      "  --run-id ID                the run to report (default: the newest)",
      "  --baseline-run ID          the run to compare with (default: the run before it)",
      "  --report FILE              where to write (default DIR/run_id=ID/_report.html; required with a table)",
      "  --report-runs N            runs in the trend, the newest (default 30)",
      "");

  private ReportJob() {}

  public static void main(String[] args) {
    int code = run(args);
    if (code != EvaluationJob.OK) {
      System.exit(code);
    }
  }

  static int run(String[] args) {
    try {
      Optional<Map<String, String>> parsed = JobArguments.parse(args);
      if (parsed.isEmpty()) {
        System.out.print(HELP);
        return EvaluationJob.OK;
      }
      Map<String, String> options = parsed.get();
      options.keySet().stream().filter(key -> !KEYS.contains(key)).findFirst().ifPresent(key -> {
        throw new UsageException("unknown option --" + key + "; see --help");
      });
      if (options.containsKey(JobConfig.OUTPUT) == options.containsKey(JobConfig.OUTPUT_TABLE)) {
        throw new UsageException("give one of --output DIR and --output-table TABLE");
      }
      if (!options.containsKey(JobConfig.OUTPUT) && !options.containsKey(JobConfig.REPORT)) {
        throw new UsageException("--report FILE is required with --output-table");
      }
      int runs = JobConfig.wholeNumber(options, JobConfig.REPORT_RUNS, 30, 1, 1000);
      SparkSession spark = SparkSession.builder().appName("spark-xent report").config("spark.log.level", "WARN").getOrCreate();
      MetricsHistory history = options.containsKey(JobConfig.OUTPUT)
          ? MetricsHistory.directory(spark, options.get(JobConfig.OUTPUT), options.getOrDefault(JobConfig.FORMAT, "parquet"))
          : MetricsHistory.table(spark, options.get(JobConfig.OUTPUT_TABLE));
      List<MetricsHistory.Run> published = history.runs();
      if (published.isEmpty()) {
        throw new UsageException("no published run in " + history.name());
      }
      String runId = options.getOrDefault(JobConfig.RUN_ID, published.get(published.size() - 1).id());
      history.checkExists(runId, "--run-id");
      Optional<String> baseline = Optional.ofNullable(options.get(JobConfig.BASELINE_RUN));
      baseline.ifPresent(id -> history.checkExists(id, "--baseline-run"));
      ReportPage page = build(runId, history.metrics(List.of(runId)), history.bins(runId), history, baseline, runs);
      String target = options.containsKey(JobConfig.REPORT) ? options.get(JobConfig.REPORT)
          : new Path(new Path(options.get(JobConfig.OUTPUT), "run_id=" + runId), HTML).toString();
      Path html = new Path(target);
      HadoopFiles.replace(spark, html, page.html());
      HadoopFiles.replace(spark, new Path(html.getParent(), html.getName().replaceAll("\\.html?$", "") + ".json"), page.json());
      System.out.println("report of run " + runId + ": " + html);
      return EvaluationJob.OK;
    } catch (UsageException e) {
      System.err.println("error: " + e.getMessage());
      return EvaluationJob.USAGE;
    } catch (Exception e) {
      e.printStackTrace();
      System.err.println("error: the report failed: " + EvaluationJob.firstLine(EvaluationJob.rootMessage(e)));
      return EvaluationJob.FAILED;
    }
  }

  /**
   * The report of run {@code runId} ({@code metrics} with {@code run_id}), compared with {@code
   * baseline} or else the run before it in {@code history}.
   */
  static ReportPage build(String runId, Dataset<Row> metrics, Dataset<Row> bins, MetricsHistory history,
      Optional<String> baseline, int runs) {
    Row overall = metrics.where(col("slice").equalTo(SliceMetrics.OVERALL)).select("evaluated_at").collectAsList().stream()
        .findFirst().orElseThrow(() -> new UsageException("run " + runId + " has no overall row"));
    Optional<String> compared = baseline.isPresent() ? baseline : history.previous(runId, overall.getTimestamp(0));
    return new ReportPage(new ReportData(runId, metrics, bins, history, compared, runs));
  }
}
