package io.sparkxent.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.CreateTableWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code --output-table}: the run's metrics (and, in {@code TABLE_calibration}, its bins) go into
 * a catalog table through DataFrameWriterV2, partitioned by {@code run_id}. The first run creates
 * the table; a run replaces its own partition with {@code overwritePartitions()}, one commit in
 * Iceberg and Delta (the catalog's own atomicity: a failed write commits nothing); a run with a
 * column the table lacks (a new slice column, a tag) adds it first, and columns the run lacks are
 * written as NULL. The rows come from the run's staging, so the scan of the predictions is over
 * before the catalog is touched.
 */
final class CatalogTables {
  private CatalogTables() {}

  /** The bins of the metrics table {@code table}. */
  static String binsTable(String table) {
    return table + "_calibration";
  }

  /**
   * Before any data is read: the catalog resolves the name, and an existing table can take a run
   * of {@code schema} (no column of another type).
   */
  static void check(SparkSession spark, String table, StructType schema) {
    Optional<StructType> existing = existingSchema(spark, table);
    existing.ifPresent(columns -> conflicts(table, columns, schema));
    int dot = table.lastIndexOf('.');
    if (existing.isEmpty() && dot > 0 && !spark.catalog().databaseExists(table.substring(0, dot))) {
      throw new UsageException("--output-table " + table + ": namespace " + table.substring(0, dot)
          + " does not exist (CREATE NAMESPACE " + table.substring(0, dot) + " makes it)");
    }
  }

  /** Writes the run's bins, then its metrics; each replaces the run's partition in one commit. */
  static void write(SparkSession spark, String table, Dataset<Row> metrics, Dataset<Row> bins, Optional<String> provider) {
    replaceRun(spark, binsTable(table), bins, provider);
    replaceRun(spark, table, metrics, provider);
  }

  /** Creates the table from {@code rows}, or replaces the partitions of the runs {@code rows} hold. */
  static void replaceRun(SparkSession spark, String table, Dataset<Row> rows, Optional<String> provider) {
    Dataset<Row> typed = binaryState(rows);
    Optional<StructType> existing = existingSchema(spark, table);
    if (existing.isEmpty()) {
      CreateTableWriter<Row> create = typed.writeTo(table).partitionedBy(col("run_id"));
      // the session catalog needs a provider (Spark 3.5 would otherwise ask for a Hive table):
      // spark.sql.sources.default; other catalogs (Iceberg) choose their own
      Optional<String> using = provider.isPresent() || !inSessionCatalog(spark, table) ? provider
          : Optional.of(spark.conf().get("spark.sql.sources.default"));
      try {
        (using.isPresent() ? create.using(using.get()) : create).create();
      } catch (org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException e) {
        replaceRun(spark, table, rows, provider); // another run created it first: replace our partition in it
      }
      return;
    }
    StructType columns = existing.get();
    conflicts(table, columns, typed.schema());
    Map<String, StructField> present = byName(columns);
    List<StructField> added = new ArrayList<>();
    for (StructField field : typed.schema().fields()) {
      if (!present.containsKey(field.name().toLowerCase(Locale.ROOT))) {
        added.add(field);
      }
    }
    if (!added.isEmpty()) { // schema evolution: a new slice column or tag is a new nullable column
      spark.sql("ALTER TABLE " + table + " ADD COLUMNS (" + added.stream()
          .map(field -> quoted(field.name()) + " " + field.dataType().sql()).collect(Collectors.joining(", ")) + ")");
      columns = spark.table(table).schema();
    }
    Map<String, StructField> given = byName(typed.schema());
    List<Column> aligned = new ArrayList<>();
    for (StructField field : columns.fields()) {
      StructField mine = given.get(field.name().toLowerCase(Locale.ROOT));
      aligned.add(mine == null ? lit(null).cast(field.dataType()).as(field.name()) : col(quoted(mine.name())).as(field.name()));
    }
    Dataset<Row> alignedRows = typed.select(aligned.toArray(new Column[0]));
    if (fileSourceTable(spark, table)) {
      insertOverwrite(spark, table, alignedRows);
      return;
    }
    try {
      alignedRows.writeTo(table).overwritePartitions();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException("--output-table " + table + " was dropped while the run wrote it", e);
    }
  }

  /**
   * Spark's V2 writer refuses the session catalog's file-source tables (Parquet, ORC, ...), so
   * those take INSERT OVERWRITE in dynamic partition mode: the same partition replaced, committed
   * by Spark's file commit protocol (a failed job leaves the table as it was).
   */
  private static void insertOverwrite(SparkSession spark, String table, Dataset<Row> rows) {
    String mode = "spark.sql.sources.partitionOverwriteMode";
    String before = spark.conf().get(mode);
    spark.conf().set(mode, "dynamic"); // read when the insert is planned, in this call
    try {
      rows.write().mode(org.apache.spark.sql.SaveMode.Overwrite).insertInto(table);
    } finally {
      spark.conf().set(mode, before);
    }
  }

  private static boolean inSessionCatalog(SparkSession spark, String table) {
    String[] parts = table.split("\\.");
    String catalog = parts.length == 3 ? parts[0] : spark.catalog().currentCatalog();
    return catalog.equalsIgnoreCase("spark_catalog");
  }

  private static boolean fileSourceTable(SparkSession spark, String table) {
    String provider = spark.sql("DESCRIBE TABLE EXTENDED " + table).where(col("col_name").equalTo("Provider"))
        .select("data_type").collectAsList().stream().map(row -> row.getString(0).toLowerCase(Locale.ROOT)).findFirst().orElse("");
    return FILE_SOURCES.contains(provider);
  }

  private static final java.util.Set<String> FILE_SOURCES = java.util.Set.of("parquet", "orc", "csv", "json", "avro", "text");

  private static Optional<StructType> existingSchema(SparkSession spark, String table) {
    try {
      return spark.catalog().tableExists(table) ? Optional.of(spark.table(table).schema()) : Optional.empty();
    } catch (Exception e) { // an unknown catalog or namespace, a catalog that cannot be reached
      throw new UsageException("--output-table " + table + ": " + EvaluationJob.firstLine(EvaluationJob.rootMessage(e)));
    }
  }

  private static void conflicts(String table, StructType existing, StructType run) {
    Map<String, StructField> present = byName(existing);
    if (!present.containsKey("run_id")) {
      throw new UsageException("--output-table " + table + " has no run_id column: it is not a spark-xent metrics table");
    }
    for (StructField field : run.fields()) {
      StructField there = present.get(field.name().toLowerCase(Locale.ROOT));
      if (there != null && !there.dataType().sameType(stored(field))) {
        throw new UsageException("--output-table " + table + ": column " + field.name() + " is "
            + there.dataType().sql() + " in the table and " + stored(field).sql() + " in this run");
      }
    }
  }

  /** A column's type as the table stores it: the state is BINARY even when staged as hex text. */
  private static org.apache.spark.sql.types.DataType stored(StructField field) {
    return field.name().equals("loss_state") ? DataTypes.BinaryType : field.dataType();
  }

  /** CSV and JSON staging hold the state as hex: the table gets the bytes. */
  private static Dataset<Row> binaryState(Dataset<Row> rows) {
    boolean hex = List.of(rows.columns()).contains("loss_state")
        && rows.schema().apply("loss_state").dataType().equals(DataTypes.StringType);
    return hex ? rows.withColumn("loss_state", org.apache.spark.sql.functions.unhex(col("loss_state"))) : rows;
  }

  private static Map<String, StructField> byName(StructType schema) {
    return java.util.Arrays.stream(schema.fields())
        .collect(Collectors.toMap(field -> field.name().toLowerCase(Locale.ROOT), Function.identity(), (a, b) -> a,
            java.util.LinkedHashMap::new));
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
