package io.sparkxent.job;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * One run's metrics table in staging: written by the executors, read back by the driver only in
 * bounded pieces (the overall row, the worst slices, a count), so the driver's memory does not
 * depend on the number of slices.
 */
final class MetricsTable {
  private final SparkSession spark;
  private final String format;
  private final Path location;
  private final StructType schema;
  private Long count;

  private MetricsTable(SparkSession spark, String format, Path location, StructType schema) {
    this.spark = spark;
    this.format = format;
    this.location = location;
    this.schema = schema;
  }

  /** Writes {@code table} to {@code location} (which must not exist) in {@code format}. */
  static MetricsTable write(SparkSession spark, Dataset<Row> table, String format, Path location) {
    // text formats have no binary type: the state goes as hex (unhex reads it back; Spark 3.5's
    // base64 breaks lines, which a CSV reader takes for rows)
    Dataset<Row> stored = format.equals("parquet") || !List.of(table.columns()).contains("loss_state") ? table
        : table.withColumn("loss_state", org.apache.spark.sql.functions.hex(col("loss_state")));
    // no coalesce: that would run the final aggregation of every slice in one task; adaptive
    // execution already merges the small partitions of a table with few slices into one file
    // Append: the run's own staging directory, which may already hold the calibration bins
    stored.write().mode(SaveMode.Append).option("header", "true").format(format).save(location.toString());
    return new MetricsTable(spark, format, location, stored.schema());
  }

  /** The table's schema as stored (the state as hex text in CSV and JSON). */
  StructType schema() {
    return schema;
  }

  /** A metrics table written earlier, with its schema (CSV and JSON do not carry one). */
  static Dataset<Row> read(SparkSession spark, String format, String location, StructType schema) {
    return spark.read().schema(schema).option("header", "true").format(format).load(location);
  }

  /** The rows written, read back (on the executors, for further queries). */
  Dataset<Row> rows() {
    String[] files = dataFiles(spark, location);
    if (files.length == 0) {
      return spark.createDataFrame(List.of(), schema);
    }
    return spark.read().schema(schema).option("header", "true").format(format).load(files);
  }

  /**
   * The data files of a directory Spark wrote, by name, sorted; none if it does not exist. Named
   * one by one: Spark warns about (or ignores) a directory it is given whose name starts with a dot
   * or an underscore, and takes a glob for a streaming sink's directory.
   */
  static String[] dataFiles(SparkSession spark, Path location) {
    try {
      org.apache.hadoop.fs.FileSystem fs = location.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(location)) {
        return new String[0];
      }
      return java.util.Arrays.stream(fs.listStatus(location, path -> path.getName().startsWith("part-")))
          .map(status -> status.getPath().toString()).sorted().toArray(String[]::new);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + location, e);
    }
  }

  /** The overall row; empty when the input had no rows (an aggregation of nothing has no groups). */
  Optional<Row> overall() {
    List<Row> overall = rows().where(col("slice").equalTo(SliceMetrics.OVERALL)).collectAsList();
    return overall.stream().findFirst();
  }

  /** Adds one row to the table (the overall row of an empty input) and returns it. */
  Row append(Row row) {
    spark.createDataFrame(List.of(row), schema).write().mode(SaveMode.Append).option("header", "true")
        .format(format).save(location.toString());
    count = null;
    return row;
  }

  /** The slices with the highest mean loss, at most {@code limit}: a top-k, not a sort of the table. */
  List<Row> worst(int limit) {
    return rows().where(col("slice").notEqual(SliceMetrics.OVERALL).and(col("loss_mean").isNotNull()))
        .orderBy(col("loss_mean").desc()).limit(limit).collectAsList();
  }

  /** Rows where a gate failed: how many, and the first {@code limit} (worst loss first). */
  long gateFailures() {
    return rows().where(col("failed_gates").isNotNull()).count();
  }

  List<Row> failedGates(int limit) {
    return rows().where(col("failed_gates").isNotNull()).orderBy(col("loss_mean").desc_nulls_last())
        .limit(limit).collectAsList();
  }

  long count() {
    if (count == null) {
      count = rows().count();
    }
    return count;
  }
}
