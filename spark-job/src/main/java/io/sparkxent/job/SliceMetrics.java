package io.sparkxent.job;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
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
   * The aggregation over a view of scored rows with columns {@code _xent_loss}, {@code
   * _xent_label_value}, {@code _xent_prediction_value}, {@code _xent_invalid} and the slice columns.
   */
  Dataset<Row> aggregate(SparkSession spark, String view) {
    String weight = weighted ? ", " + LossSpec.WEIGHT : "";
    String columns = sliceColumns.stream().map(LossSpec::quoted).collect(Collectors.joining(", "));
    String grouping = sliceColumns.isEmpty() ? "CAST(0 AS BIGINT)" : "grouping_id(" + columns + ")";
    String sql = "SELECT " + grouping + " AS _xent_grouping, "
        + (sliceColumns.isEmpty() ? "" : columns + ", ")
        + "loss_stats(_xent_loss" + weight + ") AS _xent_stats, "
        + "loss_mean(_xent_label_value" + weight + ") AS _xent_label_mean, "
        + "loss_mean(_xent_prediction_value" + weight + ") AS _xent_prediction_mean, "
        // a count through our aggregate rather than count_if: a query made only of ours runs in
        // our exact aggregation operators (see ExactAggregateStrategy), any other in Spark's
        + "loss_stats(CASE WHEN _xent_invalid IS NOT NULL THEN 0D END).rows AS _xent_skipped "
        + "FROM " + view;
    if (!sliceColumns.isEmpty()) {
      sql += " GROUP BY GROUPING SETS ((), " + slices.stream()
          .map(slice -> slice.stream().map(LossSpec::quoted).collect(Collectors.joining(", ", "(", ")")))
          .collect(Collectors.joining(", ")) + ")";
    }
    return spark.sql(sql);
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
      int slice = sliceIndex(row.getLong(0));
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
    Row stats = aggregated.getStruct(1 + sliceColumns.size());
    List<Object> values = new ArrayList<>();
    values.add(evaluatedAt);
    values.add(lossFunction);
    values.add(slice < 0 ? OVERALL : String.join(",", slices.get(slice)));
    for (int i = 0; i < sliceColumns.size(); i++) {
      values.add(aggregated.get(1 + i));
    }
    values.add(stats.getLong(0));
    for (int i = 1; i <= 5; i++) {
      values.add(stats.isNullAt(i) ? null : stats.getDouble(i));
    }
    Double mean = stats.isNullAt(3) ? null : stats.getDouble(3);
    Double stderr = stats.isNullAt(5) ? null : stats.getDouble(5);
    values.add(mean == null || stderr == null ? null : mean - Z_95 * stderr);
    values.add(mean == null || stderr == null ? null : mean + Z_95 * stderr);
    int next = 2 + sliceColumns.size();
    values.add(aggregated.isNullAt(next) ? null : aggregated.getDouble(next));
    values.add(aggregated.isNullAt(next + 1) ? null : aggregated.getDouble(next + 1));
    values.add(aggregated.getLong(next + 2));
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
