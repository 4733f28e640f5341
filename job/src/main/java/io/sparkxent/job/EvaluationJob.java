package io.sparkxent.job;

import static io.sparkxent.spark.XentColumns.column;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.hadoop.conf.Configuration;
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
 * spark-submit --class io.sparkxent.job.EvaluationJob spark-xent-job-4.1_2.13-VERSION.jar \
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
  public static final int GATE_FAILED = 4;
  public static final int CONCURRENT_RUN = 5;

  private static final int GATE_FAILURES_SHOWN = 20;
  /** Staging's directory of the finest-grain states, deleted before the run is published. */
  private static final String STATES_DIRECTORY = "_states";

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
    org.apache.spark.SparkConf submitted = new org.apache.spark.SparkConf();
    // a nightly scan of many files should show its progress unless the user said otherwise
    if (!submitted.contains("spark.ui.showConsoleProgress")) {
      builder.config("spark.ui.showConsoleProgress", "true");
    }
    // Spark's INFO start-up lines (80 and more) would bury the one error line; WARN keeps what
    // matters. spark.log.level (Spark 3.5+) is applied as the context starts; a user's value wins.
    if (!submitted.contains("spark.log.level")) {
      builder.config("spark.log.level", "WARN");
    }
    // the plans over many metric columns would otherwise print a warning about truncating their text
    if (!submitted.contains("spark.sql.debug.maxToStringFields")) {
      builder.config("spark.sql.debug.maxToStringFields", "1000");
    }
    SparkSession spark = builder.getOrCreate();
    try {
      Result result = evaluate(spark, config.get());
      if (result.gateFailures > 0) {
        for (Row row : result.failedGates) {
          System.err.println("gate failed: " + Gates.describeFailure(row, result.schema));
        }
        System.err.println("error: " + result.gateFailures + " slice(s) failed a --fail-if gate"
            + (result.gateFailures > result.failedGates.size() ? " (" + result.failedGates.size() + " shown)" : "")
            + "; the metrics are published with failed_gates set");
        return GATE_FAILED;
      }
      return OK;
    } catch (UsageException e) {
      System.err.println("error: " + e.getMessage());
      return USAGE;
    } catch (InvalidRowsException e) {
      System.err.println("error: " + e.getMessage());
      return INVALID_ROWS;
    } catch (InputException | RunPublisher.OutputException e) {
      System.err.println("error: " + e.getMessage());
      return FAILED;
    } catch (RunPublisher.ConcurrentRunException e) {
      System.err.println("error: " + e.getMessage());
      return CONCURRENT_RUN;
    } catch (Exception e) { // Spark's AnalysisException and SparkException are checked, yet thrown
      e.printStackTrace(); // not a user mistake: the trace is for a bug report, the line below for the log's end
      System.err.println("error: the evaluation failed: " + firstLine(rootMessage(e)));
      return FAILED;
    }
  }

  /**
   * What one run produced: the metrics table's schema, its overall row, how many rows it has and
   * where it was published. The slice rows stay in the table ({@link #table}); the driver never
   * holds them.
   */
  public static final class Result {
    public final StructType schema;
    public final Row overall;
    public final long metricRows;
    public final String location;
    /** How many rows failed a --fail-if gate, and the first of them. */
    public final long gateFailures;
    public final List<Row> failedGates;
    private final String format;
    private final Optional<String> outputTable;
    private final String runId;

    Result(StructType schema, Row overall, long metricRows, String location, String format, long gateFailures,
        List<Row> failedGates, Optional<String> outputTable, String runId) {
      this.outputTable = outputTable;
      this.runId = runId;
      this.schema = schema;
      this.overall = overall;
      this.metricRows = metricRows;
      this.location = location;
      this.format = format;
      this.gateFailures = gateFailures;
      this.failedGates = failedGates;
    }

    /** The published metrics of this run, read back (from the directory, else the catalog table). */
    public Dataset<Row> table(SparkSession spark) {
      if (outputTable.isPresent() && location.equals(outputTable.get())) {
        return spark.table(outputTable.get()).where(col("run_id").equalTo(runId)).drop("run_id");
      }
      return MetricsTable.read(spark, format, location, schema);
    }
  }

  /** The whole run; throws {@link UsageException}, {@link InvalidRowsException}, {@link InputException}. */
  public static Result evaluate(SparkSession spark, JobConfig config) {
    // before any data is read: repair what a crashed run left, check the outputs can be written, lock them
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    // a run without --output stages under --staging-dir and publishes to the catalog only
    Path runDirectory = config.output().map(output -> new Path(output, "run_id=" + config.runId()))
        .orElseGet(() -> new Path(new Path(config.stagingDir().orElseGet(
            () -> spark.conf().get("spark.sql.warehouse.dir") + "/_spark_xent_staging"), config.outputTable().get()),
            "run_id=" + config.runId()));
    try (RunPublisher metricsOutput = RunPublisher.open(hadoop, runDirectory, config.recover());
        RunPublisher scoredOutput = config.scoredOutput()
            .map(path -> RunPublisher.open(hadoop, new Path(path), config.recover())).orElse(null)) {
      return evaluate(spark, config, metricsOutput, Optional.ofNullable(scoredOutput));
    }
  }

  private static Result evaluate(SparkSession spark, JobConfig config, RunPublisher metricsOutput,
      Optional<RunPublisher> scoredOutput) {
    long started = System.nanoTime();
    Dataset<Row> read = filter(InputReader.read(spark, config), config);
    Dataset<Row> input = NestedFields.expose(read, config.columnNames());
    InputColumns columns = InputColumns.of(config, input.schema());
    LossSpec loss = LossSpec.of(config, columns);
    if (config.ignoreIndex().isPresent() && !loss.classIndexLabels()) {
      throw new UsageException("--ignore-index applies to class-index labels (sparse_cce, sparse_cce_logits); the loss is "
          + loss.descriptor().name());
    }
    SliceMetrics metrics = new SliceMetrics(config, loss);
    metrics.sliceColumns().forEach(column -> InputColumns.type(input.schema(), column, "--slice"));

    Dataset<Row> scored = score(input, config, columns, loss);
    Timestamp evaluatedAt = Timestamp.from(Instant.now());
    CalibrationBins calibration = new CalibrationBins(config.calibrationBins(), metrics);
    // both routes make tables of the same columns: the Expand route's plans, analysed, stand for either
    FinestGrain.Route expand = new FinestGrain.Route(false, metrics, calibration, evaluatedAt, config.runId(),
        loss.lossLabel());
    Dataset<Row> binsTable = expand.bins(scored);
    java.util.Optional<RunComparison> earlierRun = config.baselineRun().map(run -> RunComparison.of(spark, config, run));
    Gates gates = Gates.of(config);
    BiFunction<Dataset<Row>, Dataset<Row>, Dataset<Row>> finish = (sliced, writtenBins) -> {
      Dataset<Row> withEce = calibration.withEce(sliced, writtenBins);
      return gates.apply(earlierRun.map(run -> run.apply(spark, withEce, metrics.sliceColumns())).orElse(withEce));
    };
    // analysed over no bins, before any data is read: a bad gate or a table that cannot take the
    // run's columns is a usage error here
    StructType analysed = finish.apply(expand.sliced(scored), spark.createDataFrame(List.of(), binsTable.schema())).schema();
    config.outputTable().ifPresent(name -> {
      CatalogTables.check(spark, name, withRunId(spark, analysed, config.runId()).schema());
      CatalogTables.check(spark, CatalogTables.binsTable(name), binsTable.schema());
    });
    MetricsHistory history = MetricsHistory.of(spark, config);
    // Binary and multi-label runs with fewer finest values than rows scan once, to exact states per
    // value of every slice column and the calibration bin, written to staging by the executors;
    // the bins and every slicing merge them. Otherwise Spark's Expand feeds each row once per
    // grouping set, in two scans (FinestGrain says which, from the first rows).
    FinestGrain.Route route = InputReader.readingInput(() -> FinestGrain.chosen(config, metrics, scored, calibration.bin()))
        ? new FinestGrain.Route(true, metrics, calibration, evaluatedAt, config.runId(), loss.lossLabel()) : expand;
    Path statesDirectory = new Path(metricsOutput.staging(), STATES_DIRECTORY);
    Dataset<Row> source = route.finest() ? InputReader.readingInput(
        () -> MetricsTable.write(spark, route.scan(scored), "parquet", statesDirectory)).rows() : scored;
    // the calibration bins first, into the staging's _calibration/: the metrics read ece from them
    MetricsTable bins = InputReader.readingInput(() -> MetricsTable.write(spark, route.bins(source),
        config.format(), new Path(metricsOutput.staging(), CalibrationBins.DIRECTORY)));
    Dataset<Row> table = finish.apply(route.sliced(source), bins.rows());
    // the executors aggregate and write the slices into staging (Expand route: a second scan); the
    // driver reads back only the overall row, the worst slices and a count
    MetricsTable written =
        InputReader.readingInput(() -> MetricsTable.write(spark, table, config.format(), metricsOutput.staging()));
    HadoopFiles.delete(spark, statesDirectory);
    Row overall = written.overall().orElseGet(() -> written.append(
        metrics.emptyOverall(written.schema(), evaluatedAt, loss.lossLabel())));
    long skipped = overall.getLong(written.schema().fieldIndex("skipped_rows"));
    if (skipped > 0 && !config.skipInvalidRows()) {
      Row first = scored.where("_xent_invalid IS NOT NULL").select("_xent_invalid").limit(1).collectAsList().get(0);
      throw new InvalidRowsException(first.getString(0) + " (" + skipped + " invalid row(s); nothing was written;"
          + " --on-invalid skip leaves them out and counts them in skipped_rows)");
    }
    scoredOutput.ifPresent(output -> writeScored(scored, read.columns(), output));
    RunReport report = new RunReport(config, loss.lossLabel(), written.schema(), overall, written.worst(RunReport.WORST_SLICES),
        written.count(), (System.nanoTime() - started) / 1e9);
    long gateFailures = config.failIf().isEmpty() ? 0 : written.gateFailures();
    List<Row> failedGates = gateFailures == 0 ? List.of() : written.failedGates(GATE_FAILURES_SHOWN);
    HadoopFiles.create(spark, new Path(metricsOutput.staging(), "_summary.json"), report.json());
    Dataset<Row> runRows = withRunId(written.rows(), config.runId());
    ReportPage page = ReportJob.build(config.runId(), runRows, bins.rows(), history, config.baselineRun(), config.reportRuns());
    String html = page.html();
    HadoopFiles.create(spark, new Path(metricsOutput.staging(), ReportJob.HTML), html);
    HadoopFiles.create(spark, new Path(metricsOutput.staging(), ReportJob.JSON), page.json());
    scoredOutput.ifPresent(RunPublisher::publish);
    // the catalog after the scan and the checks, before the directory: a failed commit publishes nothing
    config.outputTable().ifPresent(name -> CatalogTables.write(spark, name, runRows, bins.rows(), config.tableProvider()));
    if (config.output().isPresent()) {
      metricsOutput.publish();
    }
    config.report().ifPresent(file -> HadoopFiles.replace(spark, new Path(file), html));
    if (overall.getLong(written.schema().fieldIndex("rows")) == 0) {
      System.err.println("warning: no rows to evaluate (the input is empty"
          + (config.where().isPresent() ? " or --where kept none" : "") + "); wrote the overall row with rows = 0");
    }
    System.out.println(report.table());
    return new Result(written.schema(), overall, written.count(),
        config.output().isPresent() ? metricsOutput.destination().toString() : config.outputTable().get(), config.format(),
        gateFailures, failedGates, config.outputTable(), config.runId());
  }

  /** The rows with the run id first: the catalog table's partition column. */
  private static Dataset<Row> withRunId(Dataset<Row> rows, String runId) {
    List<Column> columns = new ArrayList<>(List.of(lit(runId).as("run_id")));
    for (String name : rows.columns()) {
      if (!name.equals("run_id")) {
        columns.add(col(io.sparkxent.spark.XentColumns.quoted(name)));
      }
    }
    return rows.select(columns.toArray(new Column[0]));
  }

  private static Dataset<Row> withRunId(SparkSession spark, StructType schema, String runId) {
    return withRunId(spark.createDataFrame(List.of(), schema), runId);
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

  /** The input plus the standard columns, why a row is invalid, its loss and its averaged values. */
  private static Dataset<Row> score(Dataset<Row> input, JobConfig config, InputColumns columns, LossSpec loss) {
    List<Column> projected = new ArrayList<>();
    projected.add(col("*"));
    projected.add(asDoubles(column(config.labelColumn()), columns.labelType()).as(LossSpec.LABEL));
    projected.add(asDoubles(column(config.predictionColumn()), columns.predictionType()).as(LossSpec.PREDICTION));
    config.weightColumn().ifPresent(weight -> projected.add(column(weight).cast(DataTypes.DoubleType).as(LossSpec.WEIGHT)));
    config.baselineColumn().ifPresent(baseline ->
        projected.add(asDoubles(column(baseline), columns.baselineType()).as(LossSpec.BASELINE)));
    // rows of the ignored class are neither scored nor invalid: counted in ignored_rows
    Column ignored = config.ignoreIndex().isPresent() ? coalesce(col(LossSpec.LABEL).equalTo(lit(config.ignoreIndex().get())), lit(false))
        : lit(false);
    Column valid = col("_xent_invalid").isNull().and(col("_xent_ignored").unary_$bang());
    return input.select(projected.toArray(new Column[0]))
        .withColumn("_xent_ignored", ignored)
        .withColumn("_xent_invalid", when(col("_xent_ignored").unary_$bang(),
            RowChecks.invalidReason(config, columns, loss.descriptor().prediction())))
        .withColumn("_xent_loss", when(valid, loss.lossCall()))
        .withColumn("_xent_label_value", when(valid, loss.labelValue()))
        .withColumn("_xent_prediction_value", when(valid, loss.predictionValue()))
        .withColumn("_xent_label_rest", when(valid, loss.labelRestValue()))
        .withColumn("_xent_valid_label", when(valid, col(LossSpec.LABEL)))
        .withColumn("_xent_confidence", loss.categorical() ? when(valid, loss.confidenceValue()) : lit(null).cast("double"))
        .withColumn("_xent_correct", loss.categorical() ? when(valid, loss.correctValue()) : lit(null).cast("double"))
        .withColumn("_xent_cal_prediction", loss.categorical() ? col("_xent_confidence") : col("_xent_prediction_value"))
        .withColumn("_xent_cal_label", loss.categorical() ? col("_xent_correct") : col("_xent_label_value"))
        .withColumn("_xent_baseline_loss", config.baselineColumn().isPresent()
            ? when(valid, loss.lossCall(col(LossSpec.BASELINE))) : lit(null).cast("double"))
        .withColumn("_xent_delta", col("_xent_loss").minus(col("_xent_baseline_loss")));
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

  /** The input's columns and each row's loss, into the scored output's staging. */
  private static void writeScored(Dataset<Row> scored, String[] inputColumns, RunPublisher output) {
    String lossColumn = List.of(inputColumns).contains("loss") ? "xent_loss" : "loss";
    List<Column> columns = new ArrayList<>();
    for (String column : inputColumns) {
      columns.add(column(column));
    }
    columns.add(col("_xent_loss").as(lossColumn));
    InputReader.readingInput(() -> {
      scored.select(columns.toArray(new Column[0])).write().mode(SaveMode.ErrorIfExists)
          .parquet(output.staging().toString());
      return null;
    });
  }

  static String rootMessage(Throwable e) {
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

  /** The first line of a message that says something (Spark's parse errors start with a newline). */
  static String firstLine(String text) {
    return text.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst().orElse(text.strip());
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
