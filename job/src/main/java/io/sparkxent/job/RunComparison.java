package io.sparkxent.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.sparkxent.spark.XentColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code --baseline-run ID}: each metric against the same slice's row of an earlier run in the same
 * output (directory or table), {@code <metric>_vs_run = metric - that run's metric} (NULL for slices that run did not
 * have), joined by the executors, never collected.
 */
final class RunComparison {
  /** The metrics compared with the earlier run. */
  static final List<String> METRICS = List.of("loss_mean", "normalized_entropy", "calibration_ratio");

  private final String runId;
  private final MetricsHistory history;

  private RunComparison(String runId, MetricsHistory history) {
    this.runId = runId;
    this.history = history;
  }

  /** Checks, before any data is read, that the run exists (a usage error listing the runs if not). */
  static RunComparison of(SparkSession spark, JobConfig config, String runId) {
    if (runId.equals(config.runId())) {
      throw new UsageException("--baseline-run " + runId + " is this run's --run-id; name an earlier run");
    }
    MetricsHistory history = MetricsHistory.of(spark, config);
    history.checkExists(runId, "--baseline-run");
    return new RunComparison(runId, history);
  }

  /** The table with {@code baseline_run} and the {@code _vs_run} deltas, before {@code loss_state}. */
  Dataset<Row> apply(SparkSession spark, Dataset<Row> table, List<String> sliceColumns) {
    Dataset<Row> earlier = history.metrics(List.of(runId));
    List<String> earlierColumns = List.of(earlier.columns());
    List<Column> earlierSelected = new ArrayList<>(List.of(col("slice").as("_run_slice")));
    Column joined = col("slice").equalTo(col("_run_slice"));
    for (int i = 0; i < sliceColumns.size(); i++) {
      String column = sliceColumns.get(i);
      if (earlierColumns.contains(column)) {
        earlierSelected.add(XentColumns.column(column).as("_run_key_" + i)); // by position: names may hold dots
        joined = joined.and(table.col(XentColumns.quoted(column)).eqNullSafe(col("_run_key_" + i)));
      }
    }
    for (String metric : METRICS) {
      earlierSelected.add((earlierColumns.contains(metric) ? col(metric) : lit(null)).cast("double").as("_run_" + metric));
    }
    // a shuffled join, never a broadcast: the earlier run's slices must not pass the driver
    Dataset<Row> both = table.join(earlier.select(earlierSelected.toArray(new Column[0])).hint("merge"), joined, "left");
    List<Column> columns = new ArrayList<>();
    for (String name : table.columns()) {
      if (name.equals("loss_state")) {
        columns.add(lit(runId).as("baseline_run"));
        METRICS.forEach(metric -> columns.add(col(metric).minus(col("_run_" + metric)).as(metric + "_vs_run")));
      }
      columns.add(table.col(XentColumns.quoted(name)));
    }
    return both.select(columns.toArray(new Column[0]));
  }
}
