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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reduces the scored rows to one metrics row per slice value plus the {@code overall} row, in one
 * scan: a GROUPING SETS query over the exact aggregates ({@code loss_stats}, {@code loss_mean}),
 * so every sum and mean has the same bits however the input is split.
 */
final class SliceMetrics {
  static final String OVERALL = "overall";
  private static final String GROUPING = "_xent_grouping";
  private static final String STATS = "_xent_stats";
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
        exact("loss_stats", col("_xent_loss")).as(STATS),
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

  /** The metrics table's schema (without run_id, which is the partition directory). */
  StructType schema(StructType aggregated) {
    StructType schema = new StructType()
        .add("evaluated_at", DataTypes.TimestampType, false)
        .add("loss_function", DataTypes.StringType, false)
        .add("slice", DataTypes.StringType, false);
    for (String column : sliceColumns) {
      StructField field = aggregated.apply(column);
      schema = schema.add(column, field.dataType(), true);
    }
    return schema
        .add("rows", DataTypes.LongType, false)
        .add("weight_sum", DataTypes.DoubleType)
        .add("loss_sum", DataTypes.DoubleType)
        .add("loss_mean", DataTypes.DoubleType)
        .add("loss_stddev", DataTypes.DoubleType)
        .add("loss_stderr", DataTypes.DoubleType)
        .add("ci95_low", DataTypes.DoubleType)
        .add("ci95_high", DataTypes.DoubleType)
        .add("label_mean", DataTypes.DoubleType)
        .add("prediction_mean", DataTypes.DoubleType)
        .add("skipped_rows", DataTypes.LongType, false);
  }

  /**
   * The metrics rows, overall first, then each slicing in the order given, by slice value. An
   * empty input has no groups at all; it still gets its overall row, with 0 rows.
   */
  List<Row> rows(List<Row> aggregated, Timestamp evaluatedAt, String lossFunction) {
    Map<Integer, List<Row>> bySlice = new LinkedHashMap<>();
    bySlice.put(-1, new ArrayList<>());
    for (int i = 0; i < slices.size(); i++) {
      bySlice.put(i, new ArrayList<>());
    }
    for (Row row : aggregated) {
      int slice = sliceIndex(row.<Long>getAs(GROUPING));
      bySlice.get(slice).add(metricsRow(row, slice, evaluatedAt, lossFunction));
    }
    if (bySlice.get(-1).isEmpty()) {
      bySlice.get(-1).add(emptyOverall(evaluatedAt, lossFunction));
    }
    List<Row> result = new ArrayList<>();
    bySlice.values().forEach(result::addAll);
    return result;
  }

  /** The overall row of the metrics rows. */
  static Row overall(List<Row> rows) {
    return rows.get(0);
  }

  private Row metricsRow(Row aggregated, int slice, Timestamp evaluatedAt, String lossFunction) {
    Row stats = aggregated.getAs(STATS);
    List<Object> values = new ArrayList<>();
    values.add(evaluatedAt);
    values.add(lossFunction);
    values.add(slice < 0 ? OVERALL : String.join(",", slices.get(slice)));
    for (String column : sliceColumns) {
      values.add(aggregated.getAs(column));
    }
    values.add(stats.<Long>getAs("rows"));
    for (String field : List.of("weight_sum", "sum", "mean", "stddev", "stderr")) {
      values.add(stats.<Double>getAs(field));
    }
    Double mean = stats.getAs("mean");
    Double stderr = stats.getAs("stderr");
    values.add(mean == null || stderr == null ? null : mean - Z_95 * stderr);
    values.add(mean == null || stderr == null ? null : mean + Z_95 * stderr);
    values.add(aggregated.<Double>getAs(LABEL_MEAN));
    values.add(aggregated.<Double>getAs(PREDICTION_MEAN));
    values.add(aggregated.<Long>getAs(SKIPPED));
    return RowFactory.create(values.toArray());
  }

  private Row emptyOverall(Timestamp evaluatedAt, String lossFunction) {
    List<Object> values = new ArrayList<>();
    values.add(evaluatedAt);
    values.add(lossFunction);
    values.add(OVERALL);
    sliceColumns.forEach(column -> values.add(null));
    values.add(0L);
    for (int i = 0; i < 9; i++) {
      values.add(null);
    }
    values.add(0L);
    return RowFactory.create(values.toArray());
  }

  /** Which slicing a grouping id stands for: -1 for overall (every column aggregated away). */
  private int sliceIndex(long groupingId) {
    if (groupingId == fullMask()) {
      return -1;
    }
    for (int i = 0; i < slices.size(); i++) {
      if (mask(slices.get(i)) == groupingId) {
        return i;
      }
    }
    throw new IllegalStateException("unexpected grouping id " + groupingId);
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
