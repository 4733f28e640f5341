package io.sparkxent.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** The run's summary: {@code _summary.json} beside the metrics, and a readable table on stdout. */
final class RunReport {
  static final int WORST_SLICES = 5;

  private final JobConfig config;
  private final String lossFunction;
  private final StructType schema;
  private final Row overall;
  private final List<Row> worst;
  private final long metricRows;
  private final double seconds;

  /** @param worst the slices with the highest loss mean, worst first */
  RunReport(JobConfig config, String lossFunction, StructType schema, Row overall, List<Row> worst, long metricRows,
      double seconds) {
    this.config = config;
    this.lossFunction = lossFunction;
    this.schema = schema;
    this.overall = overall;
    this.worst = worst;
    this.metricRows = metricRows;
    this.seconds = seconds;
  }

  String json() {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("run_id", config.runId());
    summary.put("tags", config.tags());
    summary.put("evaluated_at", overall.getTimestamp(0).toInstant().toString());
    summary.put("loss_function", lossFunction);
    summary.put("input", config.inputs());
    summary.put("where", config.where().orElse(null));
    summary.put("output", config.output().orElse(null));
    summary.put("output_table", config.outputTable().orElse(null));
    summary.put("format", config.format());
    summary.put("slices", config.slices().stream().map(slice -> String.join(",", slice)).toList());
    summary.put("on_invalid", config.skipInvalidRows() ? "skip" : "fail");
    summary.put("seconds", Math.round(seconds * 1000) / 1000.0);
    summary.put("metric_rows", metricRows);
    summary.put("overall", asMap(overall));
    summary.put("worst_slices", worst.stream().map(this::asMap).toList());
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary);
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the summary", e);
    }
  }

  /** The overall row and the slices with the highest mean loss, as a fixed-width table. */
  String table() {
    List<Row> shown = new ArrayList<>();
    shown.add(overall);
    shown.addAll(worst);
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "spark-xent run %s: %s%n", config.runId(), lossFunction));
    out.append(String.format(Locale.ROOT, "%-40s %12s %12s %20s %12s %12s%n",
        "slice", "rows", "skipped", "loss_mean", "stderr", "pred_mean"));
    for (Row row : shown) {
      out.append(String.format(Locale.ROOT, "%-40s %12d %12d %20s %12s %12s%n",
          truncate(sliceValue(row), 40), row.getLong(index("rows")), row.getLong(index("skipped_rows")),
          number(row, "loss_mean", null), number(row, "loss_stderr", "%.3g"),
          number(row, "prediction_mean", "%.4f")));
    }
    return out.toString();
  }

  private String sliceValue(Row row) {
    return describe(row, schema);
  }

  /** {@code overall}, or the slice's values: {@code model=a country=DE}. */
  static String describe(Row row, StructType schema) {
    String slice = row.getString(schema.fieldIndex("slice"));
    if (slice.equals(SliceMetrics.OVERALL)) {
      return slice;
    }
    List<String> parts = new ArrayList<>();
    for (String column : slice.split(",")) {
      parts.add(column + "=" + row.get(schema.fieldIndex(column)));
    }
    return String.join(" ", parts);
  }

  private Map<String, Object> asMap(Row row) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (String name : schema.fieldNames()) {
      if (!name.equals("evaluated_at") && !name.equals("loss_function") && !name.equals("loss_state")) {
        Object value = row.get(index(name));
        values.put(name, value instanceof Double && !Double.isFinite((Double) value) ? value.toString() : value);
      }
    }
    return values;
  }

  private String number(Row row, String column, String format) {
    int i = index(column);
    if (row.isNullAt(i)) {
      return "NULL";
    }
    // null format: every digit that tells the double apart (the exact means are worth reading)
    return format == null ? Double.toString(row.getDouble(i)) : String.format(Locale.ROOT, format, row.getDouble(i));
  }

  private int index(String column) {
    return schema.fieldIndex(column);
  }

  private static String truncate(String text, int width) {
    return text.length() <= width ? text : text.substring(0, width - 1) + "…";
  }
}
