package io.sparkxent.job;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import io.sparkxent.spark.LossParameter;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The evaluation job's options, immutable. The keys are the flag names without dashes, and a
 * {@code --config} properties file may hold any of them; flags win over the file. {@link
 * #from(Map)} builds one without a SparkSession, for tests.
 */
public final class JobConfig {
  public static final String INPUT = "input";
  public static final String OUTPUT = "output";
  public static final String LABEL = "label";
  public static final String LOGIT = "logit";
  public static final String PROB = "prob";
  public static final String LOGITS = "logits";
  public static final String PROBS = "probs";
  public static final String LOSS = "loss";
  public static final String WEIGHT = "weight";
  public static final String SLICE = "slice";
  public static final String WHERE = "where";
  public static final String FORMAT = "format";
  public static final String SCORED_OUTPUT = "scored-output";
  public static final String RUN_ID = "run-id";
  public static final String ON_INVALID = "on-invalid";
  public static final String CONFIG = "config";
  public static final String RECOVER = "recover";
  public static final String FAIL_IF = "fail-if";
  public static final String IGNORE_INDEX = "ignore-index";
  public static final String BASELINE_RUN = "baseline-run";
  public static final String CALIBRATION_BINS = "calibration-bins";
  /** Repeatable KEY=VALUE: a string column KEY on every row (model_version=7, dataset_date=...). */
  public static final String TAG = "tag";
  /** A second model's predictions on the same rows: --baseline-logit COL and its three siblings. */
  public static final String BASELINE = "baseline-";
  public static final String GATE_SLICES = "gate-slices";
  public static final String MIN_SLICE_ROWS = "min-slice-rows";
  public static final String DROP_SMALL_SLICES = "drop-small-slices";
  /** A catalog table (CATALOG.DB.TABLE) the metrics go to, beside or instead of --output. */
  public static final String OUTPUT_TABLE = "output-table";
  /** The provider (USING) of a catalog table the job creates: parquet, delta, iceberg. */
  public static final String TABLE_PROVIDER = "output-table-provider";
  /** Where a run without --output stages its tables before they go to the catalog. */
  public static final String STAGING_DIR = "staging-dir";
  /** A second copy of the HTML report (the first is DIR/run_id=ID/_report.html). */
  public static final String REPORT = "report";
  /** How many runs, the newest, the report's trend shows. */
  public static final String REPORT_RUNS = "report-runs";
  /** How the slices are aggregated: auto (default), finest (merge from the finest grain), expand. */
  public static final String GROUPING = "grouping";
  /** Joins repeated --fail-if conditions in one option value (a config file: one per line). */
  static final String CONDITIONS = "\n";

  private static final Set<String> KEYS = Set.of(INPUT, OUTPUT, LABEL, LOGIT, PROB, LOGITS, PROBS,
      LOSS, WEIGHT, SLICE, WHERE, FORMAT, SCORED_OUTPUT, RUN_ID, ON_INVALID, CONFIG, RECOVER, FAIL_IF, GATE_SLICES,
      MIN_SLICE_ROWS, DROP_SMALL_SLICES, IGNORE_INDEX, BASELINE_RUN, CALIBRATION_BINS, TAG, OUTPUT_TABLE, TABLE_PROVIDER,
      STAGING_DIR, REPORT, REPORT_RUNS, GROUPING);
  private static final List<String> PREDICTION_KEYS = List.of(LOGIT, PROB, LOGITS, PROBS);
  private static final List<String> FORMATS = List.of("parquet", "csv", "json");

  private final List<String> inputs;
  private final Optional<String> output;
  private final Optional<String> outputTable;
  private final Optional<String> tableProvider;
  private final Optional<String> stagingDir;
  private final Optional<String> report;
  private final int reportRuns;
  private final String labelColumn;
  private final String predictionKind;
  private final String predictionColumn;
  private final Optional<String> lossName;
  private final Map<LossParameter, String> lossParameters;
  private final Optional<String> weightColumn;
  private final List<List<String>> slices;
  private final Optional<String> where;
  private final String format;
  private final Optional<String> scoredOutput;
  private final String runId;
  private final boolean skipInvalidRows;
  private final String grouping;
  private final boolean recover;
  private final List<String> failIf;
  private final Optional<String> baselineColumn;
  private final Optional<Long> ignoreIndex;
  private final String baselineRun;
  private final int calibrationBins;
  private final Map<String, String> tags;
  private final boolean gateAllSlices;
  private final long minSliceRows;
  private final boolean dropSmallSlices;

  private JobConfig(Map<String, String> options) {
    inputs = splitList(required(options, INPUT), ",");
    output = Optional.ofNullable(options.get(OUTPUT)).filter(value -> !value.isBlank());
    outputTable = Optional.ofNullable(options.get(OUTPUT_TABLE)).filter(value -> !value.isBlank());
    if (output.isEmpty() && outputTable.isEmpty()) {
      throw new UsageException("--output DIR or --output-table CATALOG.DB.TABLE (or both) is required; see --help");
    }
    outputTable.ifPresent(table -> {
      if (!table.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*){0,2}")) {
        throw new UsageException("--output-table " + table + " is not [CATALOG.][DB.]TABLE of plain names (letters, digits, _)");
      }
    });
    tableProvider = Optional.ofNullable(options.get(TABLE_PROVIDER));
    stagingDir = Optional.ofNullable(options.get(STAGING_DIR));
    report = Optional.ofNullable(options.get(REPORT));
    reportRuns = wholeNumber(options, REPORT_RUNS, 30, 1, 1000);
    labelColumn = required(options, LABEL);
    List<String> given = PREDICTION_KEYS.stream().filter(options::containsKey).toList();
    if (given.size() != 1) {
      throw new UsageException("give exactly one of --logit, --prob, --logits, --probs (got "
          + (given.isEmpty() ? "none" : String.join(", ", given)) + ")");
    }
    predictionKind = given.get(0);
    predictionColumn = options.get(predictionKind);
    lossName = Optional.ofNullable(options.get(LOSS)).map(name -> name.toLowerCase(Locale.ROOT));
    Map<LossParameter, String> parameters = new LinkedHashMap<>();
    for (LossParameter parameter : LossParameter.values()) {
      if (options.containsKey(parameter.jobFlag())) {
        parameters.put(parameter, options.get(parameter.jobFlag()));
      }
    }
    lossParameters = Collections.unmodifiableMap(parameters);
    weightColumn = Optional.ofNullable(options.get(WEIGHT));
    slices = parseSlices(options.getOrDefault(SLICE, ""));
    where = Optional.ofNullable(options.get(WHERE));
    format = options.getOrDefault(FORMAT, "parquet").toLowerCase(Locale.ROOT);
    if (!FORMATS.contains(format)) {
      throw new UsageException("--format " + format + " is not one of " + String.join(", ", FORMATS));
    }
    scoredOutput = Optional.ofNullable(options.get(SCORED_OUTPUT));
    runId = options.getOrDefault(RUN_ID,
        ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")));
    if (!runId.matches("[A-Za-z0-9_.:-]+")) {
      throw new UsageException("--run-id " + runId + " may use only letters, digits and _ . : -");
    }
    String onInvalid = options.getOrDefault(ON_INVALID, "fail").toLowerCase(Locale.ROOT);
    if (!onInvalid.equals("fail") && !onInvalid.equals("skip")) {
      throw new UsageException("--on-invalid " + onInvalid + " is not fail or skip");
    }
    skipInvalidRows = onInvalid.equals("skip");
    grouping = options.getOrDefault(GROUPING, "auto").toLowerCase(Locale.ROOT);
    if (!List.of("auto", "finest", "expand").contains(grouping)) {
      throw new UsageException("--grouping " + grouping + " is not auto, finest or expand");
    }
    recover = Boolean.parseBoolean(options.getOrDefault(RECOVER, "false"));
    failIf = splitList(options.getOrDefault(FAIL_IF, ""), CONDITIONS);
    baselineRun = options.get(BASELINE_RUN);
    Map<String, String> tagged = new LinkedHashMap<>();
    for (String tag : splitList(options.getOrDefault(TAG, ""), CONDITIONS)) {
      int equals = tag.indexOf('=');
      String key = equals < 0 ? tag : tag.substring(0, equals).trim();
      if (equals < 0 || !key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new UsageException("--tag " + tag + " is not KEY=VALUE with KEY a plain column name (letters, digits, _)");
      }
      if (tagged.put(key, tag.substring(equals + 1)) != null) {
        throw new UsageException("--tag " + key + " is given twice");
      }
    }
    tags = Collections.unmodifiableMap(tagged);
    calibrationBins = wholeNumber(options, CALIBRATION_BINS, 10, 1, 1000);
    try {
      ignoreIndex = Optional.ofNullable(options.get(IGNORE_INDEX)).map(value -> Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      throw new UsageException("--ignore-index " + options.get(IGNORE_INDEX) + " is not a whole number (PyTorch's is -100)");
    }
    List<String> baselines = PREDICTION_KEYS.stream().filter(kind -> options.containsKey(BASELINE + kind)).toList();
    if (baselines.size() > 1) {
      throw new UsageException("give at most one --baseline-* column (got --" + BASELINE
          + String.join(", --" + BASELINE, baselines) + ")");
    }
    if (baselines.size() == 1 && !baselines.get(0).equals(predictionKind)) {
      throw new UsageException("--" + BASELINE + baselines.get(0) + " needs --" + baselines.get(0)
          + ": the baseline is scored with the candidate's loss (the candidate has --" + predictionKind + ")");
    }
    baselineColumn = baselines.isEmpty() ? Optional.empty() : Optional.of(options.get(BASELINE + baselines.get(0)));
    String gateSlices = options.getOrDefault(GATE_SLICES, "overall").toLowerCase(Locale.ROOT);
    if (!gateSlices.equals("overall") && !gateSlices.equals("all")) {
      throw new UsageException("--gate-slices " + gateSlices + " is not overall or all");
    }
    gateAllSlices = gateSlices.equals("all");
    try {
      minSliceRows = Long.parseLong(options.getOrDefault(MIN_SLICE_ROWS, "0").trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--min-slice-rows " + options.get(MIN_SLICE_ROWS) + " is not a whole number");
    }
    if (minSliceRows < 0) {
      throw new UsageException("--min-slice-rows " + minSliceRows + " is negative");
    }
    dropSmallSlices = Boolean.parseBoolean(options.getOrDefault(DROP_SMALL_SLICES, "false"));
  }

  /** From option keys to values; {@code slice} holds slices separated by {@code ;}. */
  public static JobConfig from(Map<String, String> options) {
    for (String key : options.keySet()) {
      boolean baseline = key.startsWith(BASELINE) && PREDICTION_KEYS.contains(key.substring(BASELINE.length()));
      if (!KEYS.contains(key) && LossParameter.byJobFlag(key).isEmpty() && !baseline) {
        throw new UsageException("unknown option --" + key + "; see --help");
      }
    }
    return new JobConfig(options);
  }

  /** From command-line flags over a {@code --config} file's keys; empty for {@code --help}. */
  public static Optional<JobConfig> parse(String[] args) {
    return JobArguments.parse(args).map(JobConfig::from);
  }

  /** A whole number from {@code low} to {@code high}, or the default when the option is absent. */
  static int wholeNumber(Map<String, String> options, String key, int absent, int low, int high) {
    String text = options.getOrDefault(key, Integer.toString(absent)).trim();
    if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) < low || Integer.parseInt(text) > high) {
      throw new UsageException("--" + key + " " + text + " is not a whole number from " + low + " to " + high);
    }
    return Integer.parseInt(text);
  }

  private static String required(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null || value.isBlank()) {
      throw new UsageException("--" + key + " is required; see --help");
    }
    return value;
  }

  private static List<String> splitList(String text, String separator) {
    return Arrays.stream(text.split(separator)).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static List<List<String>> parseSlices(String text) {
    List<List<String>> result = new ArrayList<>();
    for (String slice : splitList(text, ";")) {
      List<String> columns = splitList(slice, ",");
      if (!result.contains(columns)) {
        result.add(columns);
      }
    }
    return List.copyOf(result);
  }

  public List<String> inputs() {
    return inputs;
  }

  /** The metrics directory, when the run writes one. */
  public Optional<String> output() {
    return output;
  }

  /** The catalog table of the metrics (the bins go to the same name + {@code _calibration}). */
  public Optional<String> outputTable() {
    return outputTable;
  }

  /** USING of a table the job creates; empty: the catalog's default. */
  public Optional<String> tableProvider() {
    return tableProvider;
  }

  /** Staging for a run without --output; empty: under spark.sql.warehouse.dir. */
  public Optional<String> stagingDir() {
    return stagingDir;
  }

  /** A file the HTML report is also written to. */
  public Optional<String> report() {
    return report;
  }

  /** How many of the newest runs the report's trend shows. */
  public int reportRuns() {
    return reportRuns;
  }

  public String labelColumn() {
    return labelColumn;
  }

  /** {@code logit}, {@code prob}, {@code logits} or {@code probs}: which flag named the prediction. */
  public String predictionKind() {
    return predictionKind;
  }

  public String predictionColumn() {
    return predictionColumn;
  }

  public Optional<String> lossName() {
    return lossName;
  }

  /** The loss parameters given ({@code --label-smoothing 0.1}), in declaration order. */
  public Map<LossParameter, String> lossParameters() {
    return lossParameters;
  }

  public Optional<String> weightColumn() {
    return weightColumn;
  }

  /** The slicings, each a list of columns ({@code [[model], [model, country]]}). */
  public List<List<String>> slices() {
    return slices;
  }

  /** The --tag columns and their values, in order. */
  public Map<String, String> tags() {
    return tags;
  }

  /** Equal-width bins of the predicted probability, for ece and the reliability table. */
  public int calibrationBins() {
    return calibrationBins;
  }

  /** An earlier run of the same output to compare each slice with. */
  public Optional<String> baselineRun() {
    return Optional.ofNullable(baselineRun);
  }

  /** The class index whose rows are left out (PyTorch ignore_index, Keras ignore_class). */
  public Optional<Long> ignoreIndex() {
    return ignoreIndex;
  }

  /** The baseline model's prediction column (same kind as the candidate's), if compared. */
  public Optional<String> baselineColumn() {
    return baselineColumn;
  }

  /** Every input column an option names: label, prediction, baseline, weight, slice columns. */
  public List<String> columnNames() {
    java.util.Set<String> names = new java.util.LinkedHashSet<>(List.of(labelColumn(), predictionColumn()));
    baselineColumn.ifPresent(names::add);
    weightColumn().ifPresent(names::add);
    slices().forEach(names::addAll);
    return List.copyOf(names);
  }

  public Optional<String> where() {
    return where;
  }

  public String format() {
    return format;
  }

  public Optional<String> scoredOutput() {
    return scoredOutput;
  }

  public String runId() {
    return runId;
  }

  /** auto, finest or expand: see {@link FinestGrain}. */
  public String grouping() {
    return grouping;
  }

  public boolean skipInvalidRows() {
    return skipInvalidRows;
  }

  /** Break another run's lock on the outputs (it crashed on another machine) before repairing them. */
  /** The --fail-if conditions, in order. */
  public List<String> failIf() {
    return failIf;
  }

  /** --gate-slices all: gate every slice, not only the overall row. */
  public boolean gateAllSlices() {
    return gateAllSlices;
  }

  public long minSliceRows() {
    return minSliceRows;
  }

  public boolean dropSmallSlices() {
    return dropSmallSlices;
  }

  public boolean recover() {
    return recover;
  }
}
