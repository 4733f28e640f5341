package io.sparkxent.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.sparkxent.spark.XentColumns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code --baseline-run ID}: each metric against the same slice's row of an earlier run in the same
 * output, {@code <metric>_vs_run = metric - that run's metric} (NULL for slices that run did not
 * have), joined by the executors, never collected.
 */
final class RunComparison {
  /** The metrics compared with the earlier run. */
  static final List<String> METRICS = List.of("loss_mean", "normalized_entropy", "calibration_ratio");

  private final String runId;
  private final Path location;
  private final String format;

  private RunComparison(String runId, Path location, String format) {
    this.runId = runId;
    this.location = location;
    this.format = format;
  }

  /** Checks, before any data is read, that the run exists (a usage error listing the runs if not). */
  static RunComparison of(SparkSession spark, JobConfig config, String runId) {
    if (runId.equals(config.runId())) {
      throw new UsageException("--baseline-run " + runId + " is this run's --run-id; name an earlier run");
    }
    Path output = new Path(config.output());
    Path location = new Path(output, "run_id=" + runId);
    try {
      FileSystem fs = output.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(location)) {
        FileStatus[] runs = fs.exists(output) ? fs.listStatus(output, path -> path.getName().startsWith("run_id=")) : new FileStatus[0];
        List<String> names = Arrays.stream(runs).map(status -> status.getPath().getName().substring("run_id=".length()))
            .sorted().toList();
        throw new UsageException("--baseline-run " + runId + ": no such run in " + output + " (its runs: "
            + (names.isEmpty() ? "none" : String.join(", ", names.subList(Math.max(0, names.size() - 10), names.size())))
            + ")");
      }
    } catch (IOException e) {
      throw new RunPublisher.OutputException("cannot read " + location + ": " + e.getMessage(), e);
    }
    return new RunComparison(runId, location, config.format());
  }

  /** The table with {@code baseline_run} and the {@code _vs_run} deltas, before {@code loss_state}. */
  Dataset<Row> apply(SparkSession spark, Dataset<Row> table, List<String> sliceColumns) {
    Dataset<Row> earlier = spark.read().option("header", "true").option("inferSchema", "true").format(format)
        .load(location.toString());
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
