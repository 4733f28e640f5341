package io.sparkxent.job;

import io.sparkxent.spark.execution.ExactAggregateStrategy;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.grouping_id;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.sparkxent.spark.XentColumns;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Reduces the scored rows to one metrics row per slice value plus the {@code overall} row, in one
 * scan: a GROUPING SETS query over the exact aggregates ({@code loss_stats}, {@code loss_mean}),
 * so every sum and mean has the same bits however the input is split. The result stays a Dataset
 * that the executors write; the driver never holds the slices, so any number of them fits.
 */
final class SliceMetrics {
  static final String OVERALL = "overall";
  private static final String GROUPING = "_xent_grouping";
  private static final String STATE = "_xent_state";
  private static final String LABEL_MEAN = "_xent_label_mean";
  private static final String PREDICTION_MEAN = "_xent_prediction_mean";
  private static final String SKIPPED = "_xent_skipped";
  private static final double Z_95 = 1.959963984540054;

  private final List<List<String>> slices;
  private final List<String> sliceColumns;
  private final boolean weighted;

  SliceMetrics(List<List<String>> slices, boolean weighted) {
    this.slices = slices;
    Set<String> columns = new LinkedHashSet<>();
    slices.forEach(columns::addAll);
    this.sliceColumns = List.copyOf(columns);
    this.weighted = weighted;
  }

  List<String> sliceColumns() {
    return sliceColumns;
  }

  /**
   * The aggregation over scored rows with columns {@code _xent_loss}, {@code _xent_label_value},
   * {@code _xent_prediction_value}, {@code _xent_invalid} and the slice columns: one row per slice
   * value of each slicing and the overall row, with the grouping id saying which.
   */
  Dataset<Row> aggregate(Dataset<Row> scored) {
    List<Column> aggregates = new ArrayList<>(List.of(
        exact("loss_state", col("_xent_loss")).as(STATE),
        exact("loss_mean", col("_xent_label_value")).as(LABEL_MEAN),
        exact("loss_mean", col("_xent_prediction_value")).as(PREDICTION_MEAN),
        // a count through our aggregate rather than count_if: a query made only of ours runs in
        // our exact aggregation operators (see ExactAggregateStrategy), any other in Spark's
        call_function("loss_stats", when(col("_xent_invalid").isNotNull(), lit(0d))).getField("rows").as(SKIPPED)));
    if (sliceColumns.isEmpty()) {
      aggregates.add(0, lit(0L).as(GROUPING));
      return scored.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(new Column[0]));
    }
    aggregates.add(0, grouping_id(sliceColumns.stream().map(XentColumns::column).toArray(Column[]::new)).as(GROUPING));
    List<List<Column>> sets = new ArrayList<>();
    sets.add(List.of());
    slices.forEach(slice -> sets.add(slice.stream().map(XentColumns::column).toList()));
    return SliceGrouping.aggregate(scored, sets, sliceColumns.stream().map(XentColumns::column).toList(), aggregates);
  }

  private Column exact(String function, Column value) {
    return weighted ? call_function(function, value, col(LossSpec.WEIGHT)) : call_function(function, value);
  }

  /**
   * The metrics table, one row per slice value of each slicing plus the overall row, as a Dataset
   * computed (and later written) by the executors: nothing here is collected to the driver.
   */
  Dataset<Row> table(Dataset<Row> aggregated, Timestamp evaluatedAt, String lossFunction) {
    Column stats = call_function("loss_state_stats", col(STATE));
    Column mean = stats.getField("mean");
    Column stderr = stats.getField("stderr");
    List<Column> columns = new ArrayList<>(List.of(
        lit(evaluatedAt).as("evaluated_at"), lit(lossFunction).as("loss_function"), sliceName().as("slice")));
    sliceColumns.forEach(column -> columns.add(XentColumns.column(column)));
    columns.addAll(List.of(
        stats.getField("rows").as("rows"),
        stats.getField("weight_sum").as("weight_sum"),
        stats.getField("sum").as("loss_sum"),
        mean.as("loss_mean"),
        stats.getField("stddev").as("loss_stddev"),
        stderr.as("loss_stderr"),
        mean.minus(stderr.multiply(Z_95)).as("ci95_low"),
        mean.plus(stderr.multiply(Z_95)).as("ci95_high"),
        col(LABEL_MEAN).as("label_mean"),
        col(PREDICTION_MEAN).as("prediction_mean"),
        col(SKIPPED).as("skipped_rows"),
        // the exact state, so that runs roll up (loss_merge) without rescanning predictions
        col(STATE).as("loss_state")));
    return aggregated.select(columns.toArray(new Column[0]));
  }

  /** The {@code slice} column: which slicing a row's grouping id stands for. */
  private Column sliceName() {
    Column name = when(col(GROUPING).equalTo(lit(fullMask())), lit(OVERALL));
    for (List<String> slice : slices) {
      name = name.when(col(GROUPING).equalTo(lit(mask(slice))), lit(String.join(",", slice)));
    }
    return name;
  }

  /**
   * The overall row of an input with no rows (a grouped aggregation of nothing has no groups, not
   * even the empty one): 0 rows, every metric NULL.
   */
  static Row emptyOverall(StructType table, Timestamp evaluatedAt, String lossFunction) {
    Object[] values = new Object[table.size()];
    values[table.fieldIndex("evaluated_at")] = evaluatedAt;
    values[table.fieldIndex("loss_function")] = lossFunction;
    values[table.fieldIndex("slice")] = OVERALL;
    values[table.fieldIndex("rows")] = 0L;
    values[table.fieldIndex("skipped_rows")] = 0L;
    return RowFactory.create(values);
  }

  /** grouping_id's bits: 1 for each column aggregated away, the first column highest. */
  private long mask(List<String> grouped) {
    long mask = 0;
    for (String column : sliceColumns) {
      mask = (mask << 1) | (grouped.contains(column) ? 0 : 1);
    }
    return mask;
  }

  private long fullMask() {
    return (1L << sliceColumns.size()) - 1;
  }
}
