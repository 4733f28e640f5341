package io.sparkxent.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The published runs of one output, a directory ({@code DIR/run_id=ID/}) or a catalog table
 * (partitioned by {@code run_id}, bins in {@code TABLE_calibration}), read lazily: what the report
 * and {@code --baseline-run} compare a run with.
 */
abstract class MetricsHistory {
  /** A published run: its id and when it was evaluated. */
  record Run(String id, java.sql.Timestamp evaluatedAt) {}

  final SparkSession spark;

  private MetricsHistory(SparkSession spark) {
    this.spark = spark;
  }

  /** The directory if the run writes one (it has every run's files), else the catalog table. */
  static MetricsHistory of(SparkSession spark, JobConfig config) {
    return config.output().isPresent() ? directory(spark, config.output().get(), config.format())
        : table(spark, config.outputTable().get());
  }

  static MetricsHistory directory(SparkSession spark, String output, String format) {
    return new Directory(spark, new Path(output), format);
  }

  static MetricsHistory table(SparkSession spark, String table) {
    return new Table(spark, table);
  }

  /** Where the runs are, for messages. */
  abstract String name();

  /** The ids of the published runs, without reading any metrics (empty when there is no output yet). */
  abstract List<String> runIds();

  /** Every metrics row of the given runs, with {@code run_id}; columns a run lacks are NULL. */
  Dataset<Row> metrics(List<String> runIds) {
    return all().where(col("run_id").isin(runIds.toArray()));
  }

  private Dataset<Row> all;

  /**
   * Every published run, read once per history: the directory's read merges every footer (a Spark
   * job), the filters on {@code run_id} prune to the runs asked for.
   */
  private Dataset<Row> all() {
    if (all == null) {
      all = readAll(runIds());
    }
    return all;
  }

  /** Every row of the given runs (all the published ones). */
  abstract Dataset<Row> readAll(List<String> runIds);

  /** The calibration bins of one run. */
  abstract Dataset<Row> bins(String runId);

  private List<Run> runs;

  /** The runs, oldest first by {@code evaluated_at}: one small query over the overall rows, once. */
  List<Run> runs() {
    if (runs == null) {
      List<String> ids = runIds();
      runs = ids.isEmpty() ? List.of() : all().where(col("slice").equalTo(SliceMetrics.OVERALL)).groupBy("run_id")
          .agg(max("evaluated_at").as("evaluated_at")).orderBy("evaluated_at", "run_id").collectAsList().stream()
          .map(row -> new Run(row.getString(0), row.getTimestamp(1))).toList();
    }
    return runs;
  }

  /** The newest other run evaluated before {@code evaluatedAt}: the report's default baseline. */
  Optional<String> previous(String runId, java.sql.Timestamp evaluatedAt) {
    return runs().stream().filter(run -> !run.id().equals(runId) && !run.evaluatedAt().after(evaluatedAt))
        .reduce((first, second) -> second).map(Run::id);
  }

  /** Fails with one line, listing the newest runs, when {@code runId} is not published here. */
  void checkExists(String runId, String option) {
    List<String> ids = runIds().stream().sorted().toList();
    if (!ids.contains(runId)) {
      throw new UsageException(option + " " + runId + ": no such run in " + name() + " (its runs: "
          + (ids.isEmpty() ? "none" : String.join(", ", ids.subList(Math.max(0, ids.size() - 10), ids.size()))) + ")");
    }
  }

  private static final class Directory extends MetricsHistory {
    private final Path output;
    private final String format;

    Directory(SparkSession spark, Path output, String format) {
      super(spark);
      this.output = output;
      this.format = format;
    }

    @Override
    String name() {
      return output.toString();
    }

    @Override
    List<String> runIds() {
      try {
        FileSystem fs = output.getFileSystem(spark.sparkContext().hadoopConfiguration());
        FileStatus[] runs = fs.exists(output) ? fs.listStatus(output, path -> path.getName().startsWith("run_id=")) : new FileStatus[0];
        return Arrays.stream(runs).filter(FileStatus::isDirectory)
            .map(status -> status.getPath().getName().substring("run_id=".length())).sorted().toList();
      } catch (IOException e) {
        throw new RunPublisher.OutputException("cannot list " + output + ": " + e.getMessage(), e);
      }
    }

    @Override
    Dataset<Row> readAll(List<String> runIds) {
      String[] paths = runIds.stream().map(id -> new Path(output, "run_id=" + id).toString()).toArray(String[]::new);
      // one read of every run (a union of hundreds of reads plans slowly); run_id comes from the
      // directory names, kept as text: "007" is a run id, not the number 7
      String inference = "spark.sql.sources.partitionColumnTypeInference.enabled";
      String before = spark.conf().get(inference);
      spark.conf().set(inference, "false");
      try {
        return spark.read().option("basePath", output.toString()).option("mergeSchema", "true")
            .option("header", "true").option("inferSchema", "true").format(format).load(paths);
      } finally {
        spark.conf().set(inference, before);
      }
    }

    @Override
    Dataset<Row> bins(String runId) {
      Path bins = new Path(new Path(output, "run_id=" + runId), CalibrationBins.DIRECTORY);
      String[] files = MetricsTable.dataFiles(spark, bins);
      if (files.length == 0) { // a run from before the bins, or with no rows
        return spark.createDataFrame(List.of(), CalibrationBins.EMPTY_SCHEMA);
      }
      return spark.read().option("header", "true").option("inferSchema", "true").format(format).load(files);
    }
  }

  private static final class Table extends MetricsHistory {
    private final String table;

    Table(SparkSession spark, String table) {
      super(spark);
      this.table = table;
    }

    @Override
    String name() {
      return table;
    }

    @Override
    List<String> runIds() {
      if (!spark.catalog().tableExists(table)) {
        return List.of();
      }
      return spark.table(table).where(col("slice").equalTo(SliceMetrics.OVERALL)).select("run_id").distinct()
          .collectAsList().stream().map(row -> row.getString(0)).sorted().toList();
    }

    @Override
    Dataset<Row> readAll(List<String> runIds) {
      return spark.table(table);
    }

    @Override
    Dataset<Row> bins(String runId) {
      return spark.table(CatalogTables.binsTable(table)).where(col("run_id").equalTo(runId));
    }
  }
}
