package io.sparkxent.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * The evaluation job: Parquet predictions in, one metrics row per slice value (plus {@code
 * overall}) out, in a table partitioned by {@code run_id} that dashboards read.
 *
 * <pre>
 * spark-submit --class io.sparkxent.job.EvaluationJob spark-xent-job.jar \
 *   --input s3a://bucket/preds/date=2026-11-22 --output s3a://bucket/metrics \
 *   --label label --logit logit --weight weight --slice model --slice model,country
 * </pre>
 *
 * <p>Steps, top to bottom: parse the options, read, validate the columns, score each row, reduce
 * per slice exactly, check invalid rows, write to staging, publish atomically, print the summary.
 * Exit codes: 0 done, 1 failed (unreadable input, I/O), 2 usage (an option, a missing or mistyped
 * column), 3 invalid rows with {@code --on-invalid fail}.
 */
public final class EvaluationJob {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int INVALID_ROWS = 3;

  private static final String SCORED_VIEW = "_xent_scored";

  private EvaluationJob() {}

  public static void main(String[] args) {
    int code = run(args);
    if (code != OK) {
      System.exit(code);
    }
  }

  /** Runs with command-line arguments in the active (or a new) session; returns the exit code. */
  public static int run(String[] args) {
    Optional<JobConfig> config;
    try {
      config = JobConfig.parse(args);
    } catch (UsageException e) {
      System.err.println("error: " + e.getMessage());
      return USAGE;
    }
    if (config.isEmpty()) {
      System.out.print(Help.TEXT);
      return OK;
    }
    SparkSession.Builder builder = SparkSession.builder().appName("spark-xent evaluation");
    // a nightly scan of many files should show its progress unless the user said otherwise
    if (!new org.apache.spark.SparkConf().contains("spark.ui.showConsoleProgress")) {
      builder.config("spark.ui.showConsoleProgress", "true");
    }
    SparkSession spark = builder.getOrCreate();
    try {
      evaluate(spark, config.get());
      return OK;
    } catch (UsageException e) {
      System.err.println("error: " + e.getMessage());
      return USAGE;
    } catch (InvalidRowsException e) {
      System.err.println("error: " + e.getMessage());
      return INVALID_ROWS;
    } catch (InputException e) {
      System.err.println("error: " + e.getMessage());
      return FAILED;
    } catch (Exception e) { // Spark's AnalysisException and SparkException are checked, yet thrown
      System.err.println("error: the evaluation failed: " + rootMessage(e));
      e.printStackTrace();
      return FAILED;
    }
  }

  /** What one run produced: the metrics rows (overall first) and their schema. */
  public static final class Result {
    public final StructType schema;
    public final List<Row> rows;

    Result(StructType schema, List<Row> rows) {
      this.schema = schema;
      this.rows = rows;
    }
  }

  /** The whole run; throws {@link UsageException}, {@link InvalidRowsException}, {@link InputException}. */
  public static Result evaluate(SparkSession spark, JobConfig config) {
    long started = System.nanoTime();
    Dataset<Row> input = filter(read(spark, config), config);
    LossSpec loss = LossSpec.of(config, input.schema());
    SliceMetrics metrics = new SliceMetrics(config.slices(), config.weightColumn().isPresent());
    checkSliceColumns(metrics, input.schema());

    Dataset<Row> scored = score(input, config, loss);
    scored.createOrReplaceTempView(SCORED_VIEW);
    Dataset<Row> aggregated = metrics.aggregate(spark, SCORED_VIEW);
    List<Row> groups = readingInput(() -> aggregated.collectAsList());
    Timestamp evaluatedAt = Timestamp.from(Instant.now());
    List<Row> rows = metrics.rows(groups, evaluatedAt, loss.lossLabel());
    StructType schema = metrics.schema(aggregated.schema());
    Row overall = SliceMetrics.overall(rows);
    long skipped = overall.getLong(schema.fieldIndex("skipped_rows"));
    if (skipped > 0 && !config.skipInvalidRows()) {
      Row first = scored.where("_xent_invalid IS NOT NULL").select("_xent_invalid").limit(1).collectAsList().get(0);
      throw new InvalidRowsException(first.getString(0) + " (" + skipped + " invalid row(s); nothing was written;"
          + " --on-invalid skip leaves them out and counts them in skipped_rows)");
    }

    RunReport report = new RunReport(config, loss.lossLabel(), schema, rows, (System.nanoTime() - started) / 1e9);
    write(spark, config, scored, input.columns(), schema, rows, report);
    if (overall.getLong(schema.fieldIndex("rows")) == 0) {
      System.err.println("warning: no rows to evaluate (the input is empty"
          + (config.where().isPresent() ? " or --where kept none" : "") + "); wrote the overall row with rows = 0");
    }
    System.out.println(report.table());
    return new Result(schema, rows);
  }

  private static Dataset<Row> read(SparkSession spark, JobConfig config) {
    try {
      return readingInput(() -> spark.read().parquet(config.inputs().toArray(new String[0])));
    } catch (InputException e) {
      throw e;
    } catch (Exception e) {
      throw new InputException("cannot read --input " + String.join(",", config.inputs()) + ": " + rootMessage(e));
    }
  }

  private static Dataset<Row> filter(Dataset<Row> input, JobConfig config) {
    if (config.where().isEmpty()) {
      return input;
    }
    try {
      Dataset<Row> filtered = input.where(config.where().get());
      filtered.schema(); // analyse now: a bad condition is a usage error, not a failed job
      return filtered;
    } catch (Exception e) {
      throw new UsageException("--where " + config.where().get() + ": " + firstLine(rootMessage(e)));
    }
  }

  private static void checkSliceColumns(SliceMetrics metrics, StructType schema) {
    for (String column : metrics.sliceColumns()) {
      if (!List.of(schema.fieldNames()).contains(column)) {
        throw new UsageException("column " + LossSpec.quoted(column) + " (--slice) is not in the input; its columns are "
            + String.join(", ", schema.fieldNames()));
      }
    }
  }

  /** The input plus the standard columns, why a row is invalid, its loss and its averaged values. */
  private static Dataset<Row> score(Dataset<Row> input, JobConfig config, LossSpec loss) {
    StructType schema = input.schema();
    List<Column> columns = new ArrayList<>();
    columns.add(col("*"));
    columns.add(asDoubles(input.col(config.labelColumn()), schema.apply(config.labelColumn()).dataType())
        .as(LossSpec.LABEL));
    columns.add(asDoubles(input.col(config.predictionColumn()), schema.apply(config.predictionColumn()).dataType())
        .as(LossSpec.PREDICTION));
    config.weightColumn().ifPresent(weight -> columns.add(input.col(weight).cast(DataTypes.DoubleType).as(LossSpec.WEIGHT)));
    String valid = "_xent_invalid IS NULL";
    return input.select(columns.toArray(new Column[0]))
        .withColumn("_xent_invalid", expr(loss.invalidReason()))
        .withColumn("_xent_loss", expr("CASE WHEN " + valid + " THEN " + loss.lossCall() + " END"))
        .withColumn("_xent_label_value", expr("CASE WHEN " + valid + " THEN " + loss.labelValue() + " END"))
        .withColumn("_xent_prediction_value", expr("CASE WHEN " + valid + " THEN " + loss.predictionValue() + " END"));
  }

  /** Numbers as DOUBLE, arrays as ARRAY&lt;DOUBLE&gt;, MLlib vectors as arrays too. */
  private static Column asDoubles(Column column, DataType type) {
    if (type instanceof UserDefinedType) {
      return org.apache.spark.ml.functions.vector_to_array(column, "float64");
    }
    if (type instanceof ArrayType) {
      return column.cast(DataTypes.createArrayType(DataTypes.DoubleType));
    }
    return column.cast(DataTypes.DoubleType);
  }

  /** Writes the scored rows (if asked) and the metrics to staging, then publishes both. */
  private static void write(SparkSession spark, JobConfig config, Dataset<Row> scored, String[] inputColumns,
      StructType schema, List<Row> rows, RunReport report) {
    AtomicPublisher publisher = new AtomicPublisher(spark.sparkContext().hadoopConfiguration());
    Path metricsDestination = new Path(config.output(), "run_id=" + config.runId());
    Path metricsStaging = publisher.staging(metricsDestination);
    Optional<Path> scoredDestination = config.scoredOutput().map(Path::new);
    Optional<Path> scoredStaging = scoredDestination.map(publisher::staging);
    try {
      scoredStaging.ifPresent(staging -> {
        String lossColumn = List.of(inputColumns).contains("loss") ? "xent_loss" : "loss";
        List<Column> columns = new ArrayList<>();
        for (String column : inputColumns) {
          columns.add(col(LossSpec.quoted(column)));
        }
        columns.add(col("_xent_loss").as(lossColumn));
        readingInput(() -> {
          scored.select(columns.toArray(new Column[0])).write().mode(SaveMode.ErrorIfExists).parquet(staging.toString());
          return null;
        });
      });
      spark.createDataFrame(rows, schema).coalesce(1).write()
          .mode(SaveMode.ErrorIfExists).option("header", "true")
          .format(config.format()).save(metricsStaging.toString());
      writeText(spark, new Path(metricsStaging, "_summary.json"), report.json());
      scoredStaging.ifPresent(staging -> publisher.publish(staging, scoredDestination.get()));
      publisher.publish(metricsStaging, metricsDestination);
    } catch (RuntimeException e) {
      publisher.discard(metricsStaging);
      scoredStaging.ifPresent(publisher::discard);
      throw e;
    }
  }

  private static void writeText(SparkSession spark, Path file, String text) {
    try (FSDataOutputStream out = file.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(file, false)) {
      ((OutputStream) out).write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Runs a step that reads the input; a missing or corrupt file becomes an {@link InputException}. */
  private static <T> T readingInput(java.util.function.Supplier<T> step) {
    try {
      return step.get();
    } catch (Exception e) {
      String message = rootMessage(e);
      boolean inputProblem = message.contains("PATH_NOT_FOUND") || message.contains("FAILED_READ_FILE")
          || message.contains("not a Parquet file") || message.contains("Could not read footer")
          || message.contains("CANNOT_READ_FILE_FOOTER") || message.contains("does not exist");
      if (inputProblem) {
        throw new InputException("cannot read the input: " + firstLine(describeFailure(e)));
      }
      org.apache.spark.unsafe.Platform.throwException(e);
      throw new IllegalStateException(e);
    }
  }

  /** The message of the cause that names the file (Spark's read error), else the whole chain. */
  private static String describeFailure(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      if (message.startsWith("[FAILED_READ_FILE") || message.startsWith("[PATH_NOT_FOUND")) {
        return message;
      }
    }
    return rootMessage(e);
  }

  private static String rootMessage(Throwable e) {
    StringBuilder messages = new StringBuilder();
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null) {
        messages.append(messages.length() == 0 ? "" : " | caused by: ").append(cause.getMessage());
      }
      if (cause instanceof AnalysisException) {
        break;
      }
    }
    return messages.toString();
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  /** Rows the loss cannot take, with {@code --on-invalid fail}. */
  static final class InvalidRowsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidRowsException(String message) {
      super(message);
    }
  }

  /** The input cannot be read: missing path, corrupt or non-Parquet file. */
  static final class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InputException(String message) {
      super(message);
    }
  }
}
