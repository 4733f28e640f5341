package io.sparkxent.job;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
import java.util.Properties;
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
  /** Joins repeated --fail-if conditions in one option value (a config file: one per line). */
  private static final String CONDITIONS = "\n";

  private static final Set<String> KEYS = Set.of(INPUT, OUTPUT, LABEL, LOGIT, PROB, LOGITS, PROBS,
      LOSS, WEIGHT, SLICE, WHERE, FORMAT, SCORED_OUTPUT, RUN_ID, ON_INVALID, CONFIG, RECOVER, FAIL_IF, GATE_SLICES,
      MIN_SLICE_ROWS, DROP_SMALL_SLICES, IGNORE_INDEX, BASELINE_RUN, CALIBRATION_BINS, TAG);
  private static final List<String> PREDICTION_KEYS = List.of(LOGIT, PROB, LOGITS, PROBS);
  private static final List<String> FORMATS = List.of("parquet", "csv", "json");

  private final List<String> inputs;
  private final String output;
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
    output = required(options, OUTPUT);
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
    String bins = options.getOrDefault(CALIBRATION_BINS, "10").trim();
    if (!bins.matches("[0-9]{1,4}") || Integer.parseInt(bins) < 1 || Integer.parseInt(bins) > 1000) {
      throw new UsageException("--calibration-bins " + bins + " is not a whole number from 1 to 1000");
    }
    calibrationBins = Integer.parseInt(bins);
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

  /**
   * From command-line flags ({@code --key value}, {@code --slice} repeatable), over the
   * {@code --config} file's keys if one is given. Returns empty for {@code --help}.
   */
  public static Optional<JobConfig> parse(String[] args) {
    Map<String, String> flags = new LinkedHashMap<>();
    List<String> slices = new ArrayList<>();
    List<String> conditions = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return Optional.empty();
      }
      if (arg.equals("--" + RECOVER) || arg.equals("--" + DROP_SMALL_SLICES)) {
        flags.put(arg.substring(2), "true"); // a switch: takes no value
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "'; options look like --input PATH");
      }
      String key = arg.substring(2);
      String value;
      int equals = key.indexOf('=');
      if (equals >= 0) {
        value = key.substring(equals + 1);
        key = key.substring(0, equals);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new UsageException("--" + key + " needs a value");
      }
      if (key.equals(SLICE)) {
        slices.add(value);
      } else if (key.equals(FAIL_IF)) {
        conditions.add(value);
      } else if (key.equals(TAG)) {
        tags.add(value);
      } else {
        flags.put(key, value);
      }
    }
    if (!slices.isEmpty()) {
      flags.put(SLICE, String.join(";", slices));
    }
    if (!conditions.isEmpty()) {
      flags.put(FAIL_IF, String.join(CONDITIONS, conditions));
    }
    if (!tags.isEmpty()) {
      flags.put(TAG, String.join(CONDITIONS, tags));
    }
    Map<String, String> options = new LinkedHashMap<>();
    if (flags.containsKey(CONFIG)) {
      options.putAll(readConfigFile(Paths.get(flags.get(CONFIG))));
    }
    options.putAll(flags);
    options.remove(CONFIG);
    return Optional.of(from(options));
  }

  private static Map<String, String> readConfigFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UsageException("cannot read --config " + file + ": " + e.getMessage());
    }
    Map<String, String> options = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(key -> options.put(key, properties.getProperty(key).trim()));
    return options;
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

  public String output() {
    return output;
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
