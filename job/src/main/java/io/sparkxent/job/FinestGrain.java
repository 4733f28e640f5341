package io.sparkxent.job;

import io.sparkxent.spark.XentColumns;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Which route the job's aggregation takes. The finest grain (every slice column and the
 * calibration bin) scans once and merges states up to every slicing: the fewer finest values, the
 * less there is to merge. With about as many finest values as rows (a slice per user), the merges
 * redo the scan's work on serialized states, and the Expand route, GROUPING SETS over the rows in
 * two scans (bins, then metrics), is faster (20M rows, 10M user ids: 557 s against 362 s when it
 * was measured). Its queries are the planner's: from the finest grain, which adds each row to its
 * key of every slicing once a partition shows about a key per row.
 *
 * <p>{@code --grouping auto} (the default) therefore looks at the first {@value #SAMPLE_ROWS} scored
 * rows (Spark's incremental limit reads the first files only) before the scan, and takes the
 * finest grain when they hold at most one distinct finest value per {@value #ROWS_PER_VALUE} rows.
 * Rows sorted or clustered by a slice column keep that ratio, as the rows per value are the same
 * anywhere in the input. Categorical runs always expand: their class entropy has no mergeable
 * state.
 */
final class FinestGrain {
  static final int SAMPLE_ROWS = 50_000;
  static final int ROWS_PER_VALUE = 8;

  private FinestGrain() {}

  /** Whether to merge from the finest grain: --grouping finest or expand, else the sample's answer. */
  static boolean chosen(JobConfig config, SliceMetrics metrics, Dataset<Row> scored, Column bin) {
    if (!metrics.mergeable() || config.grouping().equals("expand")) {
      return false;
    }
    if (config.grouping().equals("finest")) {
      return true;
    }
    List<Column> keys = new ArrayList<>(metrics.sliceColumns().stream().map(XentColumns::column).toList());
    keys.add(bin);
    List<Row> sample = scored.select(keys.toArray(new Column[0])).limit(SAMPLE_ROWS).collectAsList();
    return fewValues(sample.size(), new HashSet<>(sample).size());
  }

  /** At most one distinct value per {@value #ROWS_PER_VALUE} rows (and any input of one value). */
  static boolean fewValues(int rows, int distinct) {
    return distinct <= 1 || (long) distinct * ROWS_PER_VALUE <= rows;
  }

  /** The steps of one route: what the scan makes of the scored rows, the bins and metrics of that. */
  static final class Route {
    private final boolean finest;
    private final SliceMetrics metrics;
    private final CalibrationBins calibration;
    private final Timestamp evaluatedAt;
    private final String runId;
    private final String lossLabel;

    Route(boolean finest, SliceMetrics metrics, CalibrationBins calibration, Timestamp evaluatedAt, String runId,
        String lossLabel) {
      this.finest = finest;
      this.metrics = metrics;
      this.calibration = calibration;
      this.evaluatedAt = evaluatedAt;
      this.runId = runId;
      this.lossLabel = lossLabel;
    }

    boolean finest() {
      return finest;
    }

    /** The finest states (a scan to write to staging), or the scored rows themselves. */
    Dataset<Row> scan(Dataset<Row> scored) {
      return finest ? metrics.finestStates(scored, calibration.bin()) : scored;
    }

    /** The calibration bins table of {@link #scan}'s output (read back when finest). */
    Dataset<Row> bins(Dataset<Row> scanned) {
      return finest ? calibration.fromStates(scanned, evaluatedAt, runId) : calibration.table(scanned, evaluatedAt, runId);
    }

    /** The metrics table, before ece and gates, of {@link #scan}'s output. */
    Dataset<Row> sliced(Dataset<Row> scanned) {
      return metrics.table(finest ? metrics.merge(scanned) : metrics.aggregate(scanned), evaluatedAt, lossLabel);
    }
  }
}
