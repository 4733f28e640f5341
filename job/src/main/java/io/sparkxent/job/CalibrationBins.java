package io.sparkxent.job;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.grouping_id;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;

import io.sparkxent.spark.XentColumns;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Reliability diagrams and the expected calibration error. Each row's predicted probability of the
 * positive class (binary), or the probability of its arg-max class (categorical, top-label), falls
 * in bin {@code min(floor(p * N), N - 1)} of {@code --calibration-bins N}; per slice and bin, the
 * exact weighted means of the prediction and of the label (or of "the arg-max is right") make the
 * bins table ({@code run_id=ID/_calibration/}), and {@code ece = sum_b W_b / W * |mean p_b - mean
 * y_b|}, an exact weighted mean over the bins, joins the metrics.
 */
final class CalibrationBins {
  static final String DIRECTORY = "_calibration";
  /** The columns the report reads, for a run without bins. */
  static final org.apache.spark.sql.types.StructType EMPTY_SCHEMA = new org.apache.spark.sql.types.StructType()
      .add("slice", "string").add("bin", "int").add("bin_low", "double").add("bin_high", "double").add("rows", "long")
      .add("weight_sum", "double").add("mean_prediction", "double").add("mean_label", "double");
  private static final String GROUPING = "_xent_bin_grouping";
  private static final String BIN = SliceMetrics.BIN;

  private final int bins;
  private final SliceMetrics metrics;

  CalibrationBins(int bins, SliceMetrics metrics) {
    this.bins = bins;
    this.metrics = metrics;
  }

  /** A row's bin, {@code min(floor(p * N), N - 1)}; NULL without a prediction to bin (invalid rows). */
  Column bin() {
    return least(floor(col("_xent_cal_prediction").multiply(bins)), lit(bins - 1)).cast("int");
  }

  /** The bins table of the scored rows (valid rows only), one GROUPING SETS query of our aggregates. */
  Dataset<Row> table(Dataset<Row> scored, Timestamp evaluatedAt, String runId) {
    Dataset<Row> binned = scored.where(col("_xent_cal_prediction").isNotNull()).withColumn(BIN, bin());
    return table(binned, evaluatedAt, runId, metrics.weighted("loss_state", col("_xent_cal_prediction")),
        metrics.weighted("loss_mean", col("_xent_cal_label")));
  }

  /**
   * The bins table merged from {@link SliceMetrics#finestStates} (binary and multi-label runs, whose
   * binned prediction and label are the metrics' own): the same rows as {@link #table}, bit for bit.
   */
  Dataset<Row> fromStates(Dataset<Row> finest, Timestamp evaluatedAt, String runId) {
    return table(finest.where(col(BIN).isNotNull()), evaluatedAt, runId, SliceMetrics.merged(SliceMetrics.predictionState()),
        call_function("loss_state_stats", SliceMetrics.merged(SliceMetrics.labelState())).getField("mean"));
  }

  private Dataset<Row> table(Dataset<Row> binned, Timestamp evaluatedAt, String runId, Column predictionState,
      Column labelMean) {
    List<Column> keys = new ArrayList<>();
    metrics.sliceColumns().forEach(column -> keys.add(XentColumns.column(column)));
    keys.add(col(BIN));
    List<List<Column>> sets = new ArrayList<>();
    sets.add(List.of(col(BIN)));
    for (List<String> slice : metrics.slices()) {
      List<Column> set = new ArrayList<>(slice.stream().map(XentColumns::column).toList());
      set.add(col(BIN));
      sets.add(set);
    }
    List<Column> aggregates = List.of(
        grouping_id(keys.toArray(new Column[0])).as(GROUPING),
        predictionState.as("_xent_p_state"),
        labelMean.as("_xent_y_mean"));
    Dataset<Row> grouped = SliceGrouping.aggregate(binned, sets, keys, aggregates);
    Column stats = call_function("loss_state_stats", col("_xent_p_state"));
    List<Column> columns = new ArrayList<>(List.of(lit(runId).as("run_id"), lit(evaluatedAt).as("evaluated_at")));
    columns.addAll(metrics.tagColumns());
    // the bin is always grouped: drop its bit, the lowest, to name the slicing
    columns.add(metrics.sliceName(col(GROUPING).divide(2).cast("long")).as("slice"));
    metrics.sliceColumns().forEach(column -> columns.add(XentColumns.column(column)));
    columns.addAll(List.of(
        col(BIN).as("bin"),
        col(BIN).divide(bins).as("bin_low"),
        col(BIN).plus(1).divide(bins).as("bin_high"),
        stats.getField("rows").as("rows"),
        stats.getField("weight_sum").as("weight_sum"),
        stats.getField("mean").as("mean_prediction"),
        col("_xent_y_mean").as("mean_label")));
    return grouped.select(columns.toArray(new Column[0]));
  }

  /** The metrics table with {@code ece} after {@code calibration_ratio}, from the written bins. */
  Dataset<Row> withEce(Dataset<Row> table, Dataset<Row> writtenBins) {
    List<Column> keys = new ArrayList<>(List.of(col("slice")));
    metrics.sliceColumns().forEach(column -> keys.add(XentColumns.column(column)));
    Dataset<Row> ece = writtenBins.groupBy(keys.toArray(new Column[0]))
        .agg(call_function("loss_mean", abs(col("mean_prediction").minus(col("mean_label"))), col("weight_sum")).as("ece"));
    List<Column> renamed = new ArrayList<>(List.of(col("slice").as("_ece_slice"), col("ece").as("_ece")));
    Column joined = table.col("slice").equalTo(col("_ece_slice"));
    for (int i = 0; i < metrics.sliceColumns().size(); i++) {
      String column = metrics.sliceColumns().get(i);
      renamed.add(XentColumns.column(column).as("_ece_key_" + i)); // by position: names may hold dots
      joined = joined.and(table.col(XentColumns.quoted(column)).eqNullSafe(col("_ece_key_" + i)));
    }
    // a shuffled join, never a broadcast: the ece of a million slices must not pass the driver
    Dataset<Row> both = table.join(ece.select(renamed.toArray(new Column[0])).hint("merge"), joined, "left");
    List<Column> columns = new ArrayList<>();
    for (String name : table.columns()) {
      columns.add(table.col(XentColumns.quoted(name)));
      if (name.equals("calibration_ratio")) {
        columns.add(col("_ece").as("ece"));
      }
    }
    return both.select(columns.toArray(new Column[0]));
  }
}
