package io.sparkxent.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;

/**
 * Release gates and small slices over the metrics table. {@code --fail-if EXPR} (repeatable) is a
 * SQL condition over the metrics columns, evaluated per slice ({@code --gate-slices overall}, the
 * default, or {@code all}); a slice where one holds gets it in {@code failed_gates}, and the run,
 * still published, exits 4. A condition that is NULL (a metric undefined for the slice) does not
 * fail. Slices with fewer than {@code --min-slice-rows} rows are flagged {@code small_slice} and not
 * gated; {@code --drop-small-slices} leaves them out of the table (never the overall row).
 */
final class Gates {
  static final String SEPARATOR = " | ";

  private final List<String> conditions;
  private final boolean allSlices;
  private final long minSliceRows;
  private final boolean dropSmallSlices;

  Gates(List<String> conditions, boolean allSlices, long minSliceRows, boolean dropSmallSlices) {
    this.conditions = conditions;
    this.allSlices = allSlices;
    this.minSliceRows = minSliceRows;
    this.dropSmallSlices = dropSmallSlices;
  }

  /**
   * One failing row for the log: the slice, the failed conditions, and the value of every metrics
   * column they name: {@code model=b: loss_mean > 0.35 (loss_mean = 0.41)}.
   */
  static String describeFailure(Row row, org.apache.spark.sql.types.StructType schema) {
    String failed = row.getString(schema.fieldIndex("failed_gates"));
    List<String> values = new ArrayList<>();
    for (String name : schema.fieldNames()) {
      if (!name.equals("failed_gates") && java.util.regex.Pattern.compile("(?<![A-Za-z0-9_])"
          + java.util.regex.Pattern.quote(name) + "(?![A-Za-z0-9_])").matcher(failed).find()) {
        values.add(name + " = " + row.get(schema.fieldIndex(name)));
      }
    }
    return RunReport.describe(row, schema) + ": " + failed + (values.isEmpty() ? "" : " (" + String.join(", ", values) + ")");
  }

  static Gates of(JobConfig config) {
    return new Gates(config.failIf(), config.gateAllSlices(), config.minSliceRows(), config.dropSmallSlices());
  }

  /**
   * The table with {@code small_slice} and {@code failed_gates} added (before {@code loss_state}),
   * small slices dropped if asked. Analysis only: a condition naming an unknown column, or not a
   * condition, is a usage error here, before any data is read.
   */
  Dataset<Row> apply(Dataset<Row> table) {
    Column small = col("rows").lt(lit(minSliceRows));
    Dataset<Row> flagged = table.withColumn("small_slice", small);
    List<Column> failures = new ArrayList<>();
    for (String condition : conditions) {
      Column parsed;
      try {
        parsed = functions.expr(condition);
        DataType type = flagged.select(parsed).schema().fields()[0].dataType();
        if (!(type instanceof BooleanType)) {
          throw new UsageException("--fail-if " + condition + ": expected a condition over the metrics columns, got a "
              + type.simpleString() + " value");
        }
      } catch (UsageException e) {
        throw e;
      } catch (Exception e) {
        throw new UsageException("--fail-if " + condition + ": "
            + EvaluationJob.firstLine(EvaluationJob.rootMessage(e)) + " (the metrics columns: "
            + String.join(", ", flagged.columns()) + ")");
      }
      failures.add(when(parsed, lit(condition)));
    }
    Column gated = col("small_slice").unary_$bang();
    if (!allSlices) {
      gated = gated.and(col("slice").equalTo(SliceMetrics.OVERALL));
    }
    Column joined = failures.isEmpty() ? lit(null).cast("string")
        : concat_ws(SEPARATOR, failures.toArray(new Column[0]));
    Column failed = when(gated.and(length(joined).gt(0)), joined);
    List<Column> columns = new ArrayList<>();
    for (String name : flagged.columns()) {
      if (name.equals("loss_state")) {
        columns.add(failed.as("failed_gates"));
      }
      if (!name.equals("small_slice")) {
        columns.add(io.sparkxent.spark.XentColumns.column(name));
      }
      if (name.equals("skipped_rows")) {
        columns.add(col("small_slice"));
      }
    }
    Dataset<Row> result = flagged.select(columns.toArray(new Column[0]));
    return dropSmallSlices
        ? result.where(col("small_slice").unary_$bang().or(col("slice").equalTo(SliceMetrics.OVERALL)))
        : result;
  }
}
