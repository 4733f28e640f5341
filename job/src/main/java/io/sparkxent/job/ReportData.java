package io.sparkxent.job;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.sparkxent.spark.XentColumns;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What the HTML report shows, read from a run's metrics, its bins and the runs before it, in
 * bounded pieces: per slicing the worst {@link #CHART_SLICES} slices (a distributed top-k) and at
 * most {@link #TABLE_ROWS} rows in the table, the overall row and the largest slices of the newest
 * runs, and the comparison's largest deltas. The driver's memory does not grow with the slices.
 */
final class ReportData {
  static final int CHART_SLICES = 60;
  static final int TABLE_ROWS = 1_500;
  static final int TREND_SLICES = 4;
  /** The columns of the metrics table the charts and the table read; tags are found by elimination. */
  static final List<String> TABLE_COLUMNS = List.of("slice", "rows", "loss_mean", "ci95_low", "ci95_high",
      "loss_stddev", "label_mean", "prediction_mean", "normalized_entropy", "calibration_ratio", "ece", "skipped_rows",
      "small_slice", "failed_gates");

  private static final List<String> POINT_COLUMNS = java.util.stream.Stream.concat(
      java.util.stream.Stream.of("evaluated_at", "loss_function"), TABLE_COLUMNS.stream()).toList();

  /** One row of a metrics table as the report needs it: which slice, its mean and interval. */
  record Point(String slicing, String label, String runId, long rows, Double mean, Double low, Double high,
      boolean small, Map<String, Object> values) {}

  /** One slicing's chart: its worst slices (worst first) and how many it has in all. */
  record Slicing(String name, long total, List<Point> worst) {}

  /** A series of the trend: the overall row or one slice, one point per run, oldest first. */
  record Series(String label, List<Point> points) {}

  /** A slice of this run against the same slice of the baseline run. */
  record Delta(String slicing, String label, double mean, double low, double high, double baseMean, double baseLow,
      double baseHigh) {
    boolean separated() {
      return low > baseHigh || high < baseLow;
    }
  }

  /** One calibration bin of the overall row. */
  record Bin(int bin, double low, double high, long rows, double weight, Double meanPrediction, Double meanLabel) {}

  final String runId;
  final Point overall;
  final Map<String, String> tags;
  /** The columns the slicings name, in order of appearance. */
  final List<String> sliceColumns = new ArrayList<>();
  final List<Slicing> slicings = new ArrayList<>();
  final List<Series> trend = new ArrayList<>();
  final Map<String, Map<String, String>> runTags = new LinkedHashMap<>();
  final Optional<String> baselineRun;
  final List<Delta> deltas = new ArrayList<>();
  long separatedSlices;
  final List<Bin> calibration = new ArrayList<>();
  final List<String> tableColumns = new ArrayList<>();
  final List<Point> tableRows = new ArrayList<>();
  long metricRows;

  /**
   * @param run the run's metrics rows with {@code run_id}; {@code history} the published runs (the
   *     run itself among them or not); {@code baselineRun} the run to compare with
   */
  ReportData(String runId, Dataset<Row> metrics, Dataset<Row> bins, MetricsHistory history, Optional<String> baselineRun,
      int runs) {
    this.runId = runId;
    Dataset<Row> run = slim(metrics);
    StructType schema = run.schema();
    RunRows rows = new RunRows(run);
    List<Row> overallRows = rows.slicing(SliceMetrics.OVERALL);
    if (overallRows.isEmpty()) {
      throw new UsageException("run " + runId + " has no overall row: not a spark-xent metrics table");
    }
    Row overallRow = overallRows.get(0);
    this.overall = point(overallRow, schema);
    this.baselineRun = baselineRun;
    for (String name : TABLE_COLUMNS) {
      if (List.of(schema.fieldNames()).contains(name)) {
        tableColumns.add(name);
      }
    }
    Map<String, Long> totals = rows.totals();
    totals.keySet().stream().filter(name -> !name.equals(SliceMetrics.OVERALL))
        .forEach(slicing -> List.of(slicing.split(",")).forEach(column -> {
          if (!sliceColumns.contains(column)) {
            sliceColumns.add(column);
          }
        }));
    this.tags = tags(overallRow, schema);
    metricRows = totals.values().stream().mapToLong(Long::longValue).sum();
    tableRows.add(overall);
    for (Map.Entry<String, Long> slicing : totals.entrySet()) {
      if (slicing.getKey().equals(SliceMetrics.OVERALL)) {
        continue;
      }
      int inTable = (int) Math.min(Math.max(0, TABLE_ROWS - tableRows.size()), slicing.getValue());
      List<Point> worst = rows.top(slicing.getKey(), WORST, Math.max(CHART_SLICES, inTable)).stream()
          .map(row -> point(row, schema)).toList();
      slicings.add(new Slicing(slicing.getKey(), slicing.getValue(), worst.subList(0, Math.min(CHART_SLICES, worst.size()))));
      tableRows.addAll(worst.subList(0, Math.min(inTable, worst.size())));
    }
    trend(rows, history, runs, schema);
    baselineRun.ifPresent(baseline -> compare(rows, slim(history.metrics(List.of(baseline))), schema));
    for (Row row : bins.where(col("slice").equalTo(SliceMetrics.OVERALL)).orderBy("bin").collectAsList()) {
      StructType binSchema = row.schema();
      calibration.add(new Bin(((Number) row.getAs("bin")).intValue(), row.<Double>getAs("bin_low"), row.<Double>getAs("bin_high"),
          ((Number) row.getAs("rows")).longValue(), ((Number) row.getAs("weight_sum")).doubleValue(),
          doubleOrNull(row, binSchema, "mean_prediction"), doubleOrNull(row, binSchema, "mean_label")));
    }
  }

  /** The overall row and the largest slices of this run over the newest {@code runs} runs. */
  private void trend(RunRows run, MetricsHistory history, int runs, StructType schema) {
    List<MetricsHistory.Run> published = new ArrayList<>(history.runs());
    published.removeIf(earlier -> earlier.id().equals(runId)); // this run's points come from this run
    List<String> earlier = published.subList(Math.max(0, published.size() - (runs - 1)), published.size())
        .stream().map(MetricsHistory.Run::id).toList();
    List<Row> largest = run.top(null, LARGEST, TREND_SLICES);
    List<Row> rows = new ArrayList<>();
    if (!earlier.isEmpty()) {
      Dataset<Row> past = slim(history.metrics(earlier));
      rows.addAll(past.where(wanted(largest, schema, List.of(past.columns()))).collectAsList());
    }
    rows.addAll(run.matching(largest, schema));
    rows.sort(java.util.Comparator.comparing((Row row) -> row.getTimestamp(row.fieldIndex("evaluated_at"))));
    Map<String, List<Point>> series = new LinkedHashMap<>();
    series.put(SliceMetrics.OVERALL, new ArrayList<>());
    largest.forEach(slice -> series.put(RunReport.describe(slice, schema), new ArrayList<>()));
    for (Row row : rows) {
      Point point = point(row, row.schema());
      series.computeIfAbsent(point.label(), label -> new ArrayList<>()).add(point);
      if (point.slicing().equals(SliceMetrics.OVERALL)) {
        runTags.put(point.runId(), tags(row, row.schema()));
      }
    }
    series.forEach((label, points) -> trend.add(new Series(label, points)));
  }

  /** Per slicing, the slices whose mean moved most against the baseline run (a shuffled join). */
  private void compare(RunRows rows, Dataset<Row> baseline, StructType schema) {
    List<Row> few = baseline.limit(TABLE_ROWS + 1).collectAsList();
    if (rows.local != null && few.size() <= TABLE_ROWS) { // both runs in the driver already: join them here
      Map<String, Row> before = new HashMap<>();
      few.forEach(row -> before.put(RunReport.describe(row, row.schema()), row));
      Map<String, List<Delta>> bySlicing = new LinkedHashMap<>();
      bySlicing.put(SliceMetrics.OVERALL, new ArrayList<>());
      slicings.forEach(slicing -> bySlicing.put(slicing.name(), new ArrayList<>()));
      for (Row row : rows.local) {
        Row then = before.get(RunReport.describe(row, schema));
        if (then != null && row.getAs("loss_mean") != null && then.getAs("loss_mean") != null) {
          bySlicing.get(row.<String>getAs("slice")).add(new Delta(row.getAs("slice"), RunReport.describe(row, schema),
              row.getAs("loss_mean"), row.getAs("ci95_low"), row.getAs("ci95_high"), then.getAs("loss_mean"),
              then.getAs("ci95_low"), then.getAs("ci95_high")));
        }
      }
      bySlicing.forEach((slicing, found) -> {
        separatedSlices += slicing.equals(SliceMetrics.OVERALL) ? 0 : found.stream().filter(Delta::separated).count();
        found.sort(Comparator.comparingDouble((Delta delta) -> Math.abs(delta.mean() - delta.baseMean())).reversed());
        deltas.addAll(found.subList(0, Math.min(CHART_SLICES, found.size())));
      });
      return;
    }
    Dataset<Row> run = rows.rows;
    List<Column> renamed = new ArrayList<>(List.of(col("slice").as("_b_slice"), col("loss_mean").as("_b_mean"),
        col("ci95_low").as("_b_low"), col("ci95_high").as("_b_high")));
    Column joined = run.col("slice").equalTo(col("_b_slice"));
    List<String> baselineColumns = List.of(baseline.columns());
    for (int i = 0; i < sliceColumns.size(); i++) {
      if (baselineColumns.contains(sliceColumns.get(i))) {
        renamed.add(XentColumns.column(sliceColumns.get(i)).cast("string").as("_b_key_" + i));
        joined = joined.and(run.col(XentColumns.quoted(sliceColumns.get(i))).cast("string").eqNullSafe(col("_b_key_" + i)));
      }
    }
    Dataset<Row> both = run.join(baseline.select(renamed.toArray(new Column[0])).hint("merge"), joined)
        .where(col("loss_mean").isNotNull().and(col("_b_mean").isNotNull()));
    Column separated = col("ci95_low").gt(col("_b_high")).or(col("ci95_high").lt(col("_b_low")));
    separatedSlices = both.where(separated.and(col("slice").notEqual(SliceMetrics.OVERALL))).count();
    List<String> order = new ArrayList<>(List.of(SliceMetrics.OVERALL));
    slicings.forEach(slicing -> order.add(slicing.name()));
    for (String slicing : order) {
      for (Row row : top(both.where(col("slice").equalTo(slicing)), abs(col("loss_mean").minus(col("_b_mean"))).desc(), CHART_SLICES)) {
        deltas.add(new Delta(slicing, RunReport.describe(row, row.schema()), row.<Double>getAs("loss_mean"),
            row.<Double>getAs("ci95_low"), row.<Double>getAs("ci95_high"), row.<Double>getAs("_b_mean"),
            row.<Double>getAs("_b_low"), row.<Double>getAs("_b_high")));
      }
    }
  }

  /** The overall row or one of {@code slices}, in a table of {@code columns} (earlier runs may lack a slice column). */
  private static Column wanted(List<Row> slices, StructType schema, List<String> columns) {
    Column wanted = col("slice").equalTo(SliceMetrics.OVERALL);
    for (Row slice : slices) {
      String slicing = slice.getString(schema.fieldIndex("slice"));
      if (columns.containsAll(List.of(slicing.split(",")))) {
        wanted = wanted.or(sameSlice(slice, schema, slicing));
      }
    }
    return wanted;
  }

  private static Column sameSlice(Row slice, StructType schema, String slicing) {
    Column same = col("slice").equalTo(slicing);
    for (String column : slicing.split(",")) {
      Object value = slice.get(schema.fieldIndex(column));
      same = same.and(XentColumns.column(column).cast("string").eqNullSafe(lit(value == null ? null : value.toString())));
    }
    return same;
  }

  /** An order both on the executors and in the driver. */
  private record Order(Column column, Comparator<Row> comparator) {}

  private static final Order WORST = new Order(col("loss_mean").desc_nulls_last(),
      Comparator.comparing((Row row) -> row.<Double>getAs("loss_mean"), Comparator.nullsLast(Comparator.reverseOrder())));
  private static final Order LARGEST = new Order(col("rows").desc(),
      Comparator.comparing((Row row) -> ((Number) row.getAs("rows")).longValue(), Comparator.reverseOrder()));

  /**
   * The run's rows: collected once when there are at most {@link #TABLE_ROWS} (every question below
   * then answered in the driver, not by a Spark job each), else queried on the executors.
   */
  private static final class RunRows {
    final Dataset<Row> rows;
    final List<Row> local;

    RunRows(Dataset<Row> rows) {
      this.rows = rows;
      List<Row> first = rows.limit(TABLE_ROWS + 1).collectAsList();
      this.local = first.size() <= TABLE_ROWS ? first : null;
    }

    /** Every row of one slicing (used for the overall row). */
    List<Row> slicing(String slicing) {
      return local != null ? local.stream().filter(row -> row.getAs("slice").equals(slicing)).toList()
          : rows.where(col("slice").equalTo(slicing)).collectAsList();
    }

    /** Rows per slicing, by name. */
    Map<String, Long> totals() {
      Map<String, Long> totals = new java.util.TreeMap<>();
      if (local != null) {
        local.forEach(row -> totals.merge(row.getAs("slice"), 1L, Long::sum));
      } else {
        rows.groupBy("slice").count().collectAsList().forEach(row -> totals.put(row.getString(0), row.getLong(1)));
      }
      return totals;
    }

    /** The first {@code k} rows of a slicing (null: of every slicing but overall) in {@code order}. */
    List<Row> top(String slicing, Order order, int k) {
      if (local != null) {
        return local.stream().filter(row -> slicing == null ? !row.getAs("slice").equals(SliceMetrics.OVERALL)
            : row.getAs("slice").equals(slicing)).sorted(order.comparator()).limit(k).toList();
      }
      Column which = slicing == null ? col("slice").notEqual(SliceMetrics.OVERALL) : col("slice").equalTo(slicing);
      return ReportData.top(rows.where(which), order.column(), k);
    }

    /** The overall row and the rows of the given slices. */
    List<Row> matching(List<Row> slices, StructType schema) {
      if (local != null) {
        java.util.Set<String> labels = new java.util.HashSet<>(List.of(SliceMetrics.OVERALL));
        slices.forEach(slice -> labels.add(RunReport.describe(slice, schema)));
        return local.stream().filter(row -> labels.contains(RunReport.describe(row, schema))).toList();
      }
      return rows.where(wanted(slices, schema, List.of(rows.columns()))).collectAsList();
    }
  }

  /**
   * The first {@code k} rows in {@code order}. The top-k's last step runs on an executor: collected
   * directly, every partition would send its own k rows to the driver (k times the partitions).
   */
  private static List<Row> top(Dataset<Row> rows, Column order, int k) {
    return rows.orderBy(order).limit(k).repartition(1).sortWithinPartitions(order).collectAsList();
  }

  /**
   * Only the columns the report shows, slice columns and tags (the driver collects up to {@link
   * #TABLE_ROWS} rows: without the state and the comparison columns they stay small).
   */
  private static Dataset<Row> slim(Dataset<Row> rows) {
    List<Column> kept = new ArrayList<>();
    for (String name : rows.columns()) {
      if (name.equals("run_id") || POINT_COLUMNS.contains(name) || !SliceMetrics.JOB_COLUMNS.contains(name)) {
        kept.add(col(XentColumns.quoted(name)));
      }
    }
    return rows.select(kept.toArray(new Column[0]));
  }

  /** Tag columns: those that are neither the job's columns nor a slicing's. */
  private Map<String, String> tags(Row overall, StructType schema) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String name : schema.fieldNames()) {
      if (!SliceMetrics.JOB_COLUMNS.contains(name) && !sliceColumns.contains(name) && !overall.isNullAt(schema.fieldIndex(name))) {
        tags.put(name, overall.get(schema.fieldIndex(name)).toString());
      }
    }
    return tags;
  }

  private static Point point(Row row, StructType schema) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (String name : POINT_COLUMNS) {
      if (List.of(schema.fieldNames()).contains(name)) {
        values.put(name, row.get(schema.fieldIndex(name)));
      }
    }
    List<String> names = List.of(schema.fieldNames());
    return new Point(row.getString(schema.fieldIndex("slice")), RunReport.describe(row, schema),
        names.contains("run_id") ? String.valueOf(row.get(schema.fieldIndex("run_id"))) : null,
        ((Number) row.get(schema.fieldIndex("rows"))).longValue(), doubleOrNull(row, schema, "loss_mean"),
        doubleOrNull(row, schema, "ci95_low"), doubleOrNull(row, schema, "ci95_high"),
        names.contains("small_slice") && Boolean.TRUE.equals(row.get(schema.fieldIndex("small_slice"))), values);
  }

  private static Double doubleOrNull(Row row, StructType schema, String column) {
    if (!List.of(schema.fieldNames()).contains(column) || row.isNullAt(schema.fieldIndex(column))) {
      return null;
    }
    return ((Number) row.get(schema.fieldIndex(column))).doubleValue();
  }
}
