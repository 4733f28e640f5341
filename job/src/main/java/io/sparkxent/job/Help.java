package io.sparkxent.job;

import io.sparkxent.spark.LossDescriptor;
import io.sparkxent.spark.LossParameter;
import io.sparkxent.spark.XentFunctions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The text {@code --help} prints; the loss section is written from the registry's descriptors. */
final class Help {
  private Help() {}

  /** {@code --loss} and each loss parameter's flag, with the losses that take it and what it means. */
  static String lossSection() {
    List<String> lines = new ArrayList<>();
    lines.add("Loss (default from the columns: the first of the registry that fits them and needs no parameter)");
    lines.add(String.format("  %-26s %s", "--loss NAME",
        XentFunctions.losses().stream().map(LossDescriptor::name).collect(Collectors.joining(", "))));
    for (LossParameter parameter : LossParameter.values()) {
      String takers = XentFunctions.losses().stream().filter(loss -> loss.parameters().contains(parameter))
          .map(loss -> loss.name() + (loss.isRequired(parameter) ? " (required)" : "")).collect(Collectors.joining(", "));
      String flag = "--" + parameter.jobFlag() + " " + parameter.metavar();
      if (flag.length() > 26) {
        lines.add("  " + flag);
        flag = "";
      }
      lines.add(String.format("  %-26s %s", flag, parameter.doc()));
      lines.add(String.format("  %-26s for %s", "", takers));
    }
    lines.add("");
    return String.join("\n", lines);
  }

  static final String TEXT = String.join("\n",
      "spark-xent evaluation job: exact cross-entropy metrics per slice, from Parquet predictions.",
      "",
      "Usage: spark-submit --class io.sparkxent.job.EvaluationJob spark-xent-job-4.1_2.13-VERSION.jar [options]",
      "",
      "Input and output",
      "  --input PATH[,PATH...]     Parquet files, directories or globs; any Hadoop URI (file:, hdfs:, s3a:)",
      "  --output DIR               metrics table, partitioned by run_id (DIR/run_id=ID/), with the",
      "                             bins (_calibration/), _summary.json and the report (_report.html)",
      "  --output-table TABLE       and/or a catalog table ([CATALOG.]DB.TABLE, partitioned by run_id, bins",
      "                             in TABLE_calibration) through DataFrameWriterV2: created by the first",
      "                             run, a run id re-run replaces its partition in one commit, new",
      "                             columns (a slice column, a tag) are added; Iceberg, Delta, Parquet",
      "  --output-table-provider P  USING of a table the job creates (default: the catalog's; the",
      "                             session catalog's is spark.sql.sources.default); e.g. delta",
      "  --staging-dir DIR          where a run without --output stages (default: spark.sql.warehouse.dir)",
      "  --report FILE              also write the HTML report here (any Hadoop URI)",
      "  --report-runs N            runs the report's trend shows, the newest (default 30)",
      "  --format parquet|csv|json  metrics file format (default parquet)",
      "  --scored-output DIR        also write the input rows plus a `loss` column, as Parquet",
      "  --run-id ID                partition to (re)write (default: a UTC timestamp, 20261123T181900Z)",
      "  --tag KEY=VALUE            repeatable: a string column KEY on every row (model_version=7,",
      "                             dataset_date=2026-11-24), and in _summary.json: for trends over runs",
      "  --recover                  break the lock a crashed run on another machine left, then repair",
      "  --config FILE              properties file with any of these keys (without --); flags win",
      "",
      "Columns",
      "  --label COL                0/1 or soft label, class index, or array or MLlib vector of labels",
      "                             (a column may be a struct's field: --logit pred.logit; names are",
      "                             taken whole first, so a column called `a.b` is that column)",
      "  --logit COL | --prob COL   binary: one logit or probability per row",
      "  --logits COL | --probs COL categorical (or multi-label): array or MLlib vector",
      "  --weight COL               row weight: finite and >= 0 (means become weighted means)",
      "  --slice COLS               repeatable: --slice model --slice model,country",
      "  --where SQL                keep only rows matching a SQL condition",
      "  --calibration-bins N       equal-width bins of the predicted probability (default 10): the",
      "                             bins table DIR/run_id=ID/_calibration/ and the ece column",
      "  --baseline-run ID          an earlier run in --output: baseline_run and, per slice,",
      "                             loss_mean_vs_run, normalized_entropy_vs_run, calibration_ratio_vs_run",
      "  --ignore-index K           class-index labels: rows of class K (PyTorch's -100) are left out,",
      "                             not invalid, and counted in ignored_rows (PyTorch ignore_index)",
      "  --baseline-logit COL       a second model's predictions on the same rows (or --baseline-prob,",
      "                             --baseline-logits, --baseline-probs: the candidate's kind), scored",
      "                             with the same loss: baseline_loss_mean, loss_mean_delta, delta_stderr,",
      "                             delta_ci95_low/high, better_rows_share per slice",
      "",
      lossSection(),
      "Gates and small slices",
      "  --fail-if SQL              repeatable: a condition over the metrics columns (loss_mean > 0.35,",
      "                             normalized_entropy > 0.9); where it holds the slice fails: the run is",
      "                             published with failed_gates set and exits 4 (a NULL condition passes)",
      "  --gate-slices overall|all  the rows the gates apply to (default overall)",
      "  --min-slice-rows N         slices with fewer rows are flagged small_slice and not gated",
      "  --drop-small-slices        leave small slices out of the table (never the overall row)",
      "",
      "Invalid rows (NULL or NaN label or prediction, out-of-range values, array length mismatch, bad weight)",
      "  --on-invalid fail|skip     fail (default): stop at the first, write nothing, exit 3;",
      "                             skip: leave them out and count them in skipped_rows",
      "",
      "Speed",
      "  --grouping auto|finest|expand  finest: one scan to exact states per value of all slice columns",
      "                             and calibration bin, merged up to every slicing; expand: Spark's Expand,",
      "                             every row once per slicing, two scans; auto (default): finest unless the",
      "                             first 50,000 rows hold more than one such value per 8 rows, or categorical",
      "",
      "Output columns: evaluated_at, loss_function, slice, <slice columns>, rows, weight_sum, loss_sum,",
      "  loss_mean, loss_stddev, loss_stderr, ci95_low, ci95_high, label_mean, prediction_mean,",
      "  normalized_entropy, calibration_ratio, ece, skipped_rows, small_slice, failed_gates, loss_state (the",
      "  exact state: loss_state_stats(loss_merge(loss_state)) rolls runs up in SQL), + run_id from the",
      "  directory. A run publishes DIR/run_id=ID in one rename, with _summary.json, _report.html (the",
      "  report: headline, slices, trend over runs, against the previous run or --baseline-run,",
      "  calibration, sortable table; self-contained, offline) and _report.json (its charts' data).",
      "  scripts/report.sh (class io.sparkxent.job.ReportJob) rebuilds a report from DIR or TABLE.",
      "",
      "Exit codes: 0 done (an empty input too, with a warning), 1 failed (unreadable input, input files",
      "  that disagree on a column's type, unwritable output, I/O), 2 usage or column error, 3 invalid",
      "  rows, 4 a --fail-if gate failed (metrics published), 5 another run is publishing the same run id",
      "  (retry later, or --recover after a crash).",
      "",
      "Spark's own options (--driver-memory, --executor-memory, --conf K=V, --master) go before the jar",
      "  with spark-submit, and before the job's options with scripts/run-local.sh and scripts/submit.sh",
      "  (or before a `--`). Spark logs at WARN unless --conf spark.log.level=INFO says otherwise.",
      "",
      "Examples",
      "  --input preds/ --output metrics/ --label label --logit logit --slice model --slice model,country",
      "  --input preds/ --output metrics/ --label y --prob p --epsilon sklearn --weight w --run-id 2026-11-22",
      "  --input preds/ --output metrics/ --label label --logits rawPrediction --label-smoothing 0.1",
      "");
}
