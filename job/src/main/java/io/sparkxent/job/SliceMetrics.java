package io.sparkxent.job;

import io.sparkxent.spark.execution.ExactAggregateStrategy;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.grouping_id;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.sparkxent.spark.XentColumns;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * Reduces the scored rows to one metrics row per slice value plus the {@code overall} row, in one
 * scan: a GROUPING SETS query over the exact aggregates ({@code loss_state}, {@code loss_mean}),
 * so every sum and mean has the same bits however the input is split. The result stays a Dataset
 * that the executors write; the driver never holds the slices, so any number of them fits.
 */
final class SliceMetrics {
  static final String OVERALL = "overall";
  private static final String GROUPING = "_xent_grouping";
  private static final String STATE = "_xent_state";
  private static final String LABEL_MEAN = "_xent_label_mean";
  private static final String PREDICTION_MEAN = "_xent_prediction_mean";
  private static final String SKIPPED = "_xent_skipped";
  private static final String LABEL_REST = "_xent_label_rest_mean";
  private static final String CONFIDENCE = "_xent_confidence_mean";
  private static final String CORRECT = "_xent_correct_mean";
  private static final String ENTROPY = "_xent_entropy";
  private static final String BASELINE_MEAN = "_xent_baseline_mean";
  private static final String DELTA_STATE = "_xent_delta_state";
  private static final String BETTER = "_xent_better_share";
  private static final String IGNORED = "_xent_ignored_rows";
  private static final String STATS = "_xent_stats";
  private static final String DELTA_STATS = "_xent_delta_stats";
  private static final double Z_95 = 1.959963984540054;

  private final List<List<String>> slices;
  private final List<String> sliceColumns;
  private final boolean weighted;
  private final LossSpec loss;
  private final boolean compared;

  private final boolean ignoring;
  private final java.util.Map<String, String> tags;

  /** Every column the job itself writes (metrics and bins tables), which a --tag may not take. */
  static final List<String> JOB_COLUMNS = List.of("run_id", "evaluated_at", "loss_function", "slice", "rows",
      "weight_sum", "loss_sum", "loss_mean", "loss_stddev", "loss_stderr", "ci95_low", "ci95_high", "label_mean",
      "prediction_mean", "normalized_entropy", "calibration_ratio", "ece", "baseline_loss_mean", "loss_mean_delta",
      "delta_stderr", "delta_ci95_low", "delta_ci95_high", "better_rows_share", "baseline_run", "loss_mean_vs_run",
      "normalized_entropy_vs_run", "calibration_ratio_vs_run", "skipped_rows", "ignored_rows", "small_slice",
      "failed_gates", "loss_state", "bin", "bin_low", "bin_high", "mean_prediction", "mean_label");

  /** The --tag columns, string literals, for every row of the metrics and bins tables. */
  List<Column> tagColumns() {
    return tags.entrySet().stream().map(tag -> lit(tag.getValue()).as(tag.getKey())).toList();
  }

  /**
   * The slices, weight, baseline model ({@code _xent_baseline_loss}, {@code _xent_delta}) and
   * ignored class ({@code _xent_ignored}) of the options, for this loss.
   */
  SliceMetrics(JobConfig config, LossSpec loss) {
    List<List<String>> slices = config.slices();
    boolean weighted = config.weightColumn().isPresent();
    this.compared = config.baselineColumn().isPresent();
    this.ignoring = config.ignoreIndex().isPresent();
    this.tags = config.tags();
    for (String tag : tags.keySet()) {
      if (JOB_COLUMNS.contains(tag) || slices.stream().anyMatch(slice -> slice.contains(tag))) {
        throw new UsageException("--tag " + tag + " names a column the metrics table has already; pick another key");
      }
    }
    this.slices = slices;
    Set<String> columns = new LinkedHashSet<>();
    slices.forEach(columns::addAll);
    this.sliceColumns = List.copyOf(columns);
    this.weighted = weighted;
    this.loss = loss;
  }

  List<String> sliceColumns() {
    return sliceColumns;
  }

  /** The slicings, each a list of columns; the overall row is the empty one (not listed). */
  List<List<String>> slices() {
    return slices;
  }

  /** {@code loss_mean(value [, weight])} or another of our aggregates, weighted if the run is. */
  Column weighted(String function, Column value) {
    return exact(function, value);
  }

  /** What a metric needs from the rows: a whole state (spread), a mean, or a count of non-NULL values. */
  private enum Kind { STATE, MEAN, COUNT }

  /** One aggregated column: its name, what it is, the per-row value it reduces. */
  private record Measure(String name, Kind kind, Column value) {}

  /** Every aggregated column but the categorical runs' class entropy (which has no mergeable state). */
  private List<Measure> measures() {
    List<Measure> measures = new ArrayList<>(List.of(
        new Measure(STATE, Kind.STATE, col("_xent_loss")),
        new Measure(LABEL_MEAN, Kind.MEAN, col("_xent_label_value")),
        new Measure(PREDICTION_MEAN, Kind.MEAN, col("_xent_prediction_value")),
        new Measure(SKIPPED, Kind.COUNT, when(col("_xent_invalid").isNotNull(), lit(0d)))));
    if (loss.binaryScalar()) {
      measures.add(new Measure(LABEL_REST, Kind.MEAN, col("_xent_label_rest")));
    }
    if (ignoring) {
      measures.add(new Measure(IGNORED, Kind.COUNT, when(col("_xent_ignored"), lit(0d))));
    }
    if (compared) {
      measures.add(new Measure(BASELINE_MEAN, Kind.MEAN, col("_xent_baseline_loss")));
      measures.add(new Measure(DELTA_STATE, Kind.STATE, col("_xent_delta")));
      Column better = when(col("_xent_delta").lt(0), lit(1d)).when(col("_xent_delta").isNotNull(), lit(0d));
      measures.add(new Measure(BETTER, Kind.MEAN, better));
    }
    if (loss.categorical()) {
      measures.add(new Measure(CONFIDENCE, Kind.MEAN, col("_xent_confidence")));
      measures.add(new Measure(CORRECT, Kind.MEAN, col("_xent_correct")));
    }
    return measures;
  }

  /**
   * Whether every metric can be merged from exact states at the finest grain ({@link
   * #finestStates}): all runs but the categorical ones, whose class entropy needs the per-class
   * sums of each slice.
   */
  boolean mergeable() {
    return !loss.categorical();
  }

  /**
   * The aggregation over scored rows with columns {@code _xent_loss}, {@code _xent_label_value},
   * {@code _xent_prediction_value}, {@code _xent_invalid} and the slice columns: one row per slice
   * value of each slicing and the overall row, with the grouping id saying which. Spark's Expand
   * feeds every row once per grouping set; {@link #merge} of {@link #finestStates} does not.
   */
  Dataset<Row> aggregate(Dataset<Row> scored) {
    List<Column> aggregates = new ArrayList<>();
    for (Measure measure : measures()) {
      aggregates.add((switch (measure.kind()) {
        case STATE -> exact("loss_state", measure.value());
        case MEAN -> exact("loss_mean", measure.value());
        // a count through our aggregate rather than count_if: a query made only of ours runs in
        // our exact aggregation operators (see ExactAggregateStrategy), any other in Spark's
        case COUNT -> call_function("loss_stats", measure.value()).getField("rows");
      }).as(measure.name()));
    }
    if (loss.categorical()) {
      // not one of the loss aggregates: a categorical run leaves our exact operators for Spark's
      Column validLabel = col("_xent_valid_label");
      aggregates.add(loss.classEntropy(validLabel, weighted ? java.util.Optional.of(col(LossSpec.WEIGHT))
          : java.util.Optional.empty()).as(ENTROPY));
    }
    return groupingSets(scored, aggregates);
  }

  /**
   * One pass over the scored rows: an exact state of every measure per value of the finest grain,
   * all the slice columns and {@code bin} (the calibration bin, NULL for rows without a prediction
   * to bin). Every slicing, the overall row and every calibration bin is a merge of these states,
   * with the bits of a scan of their rows, since exact states merge without error in any order.
   */
  Dataset<Row> finestStates(Dataset<Row> scored, Column bin) {
    List<Column> keys = new ArrayList<>(sliceColumns.stream().map(XentColumns::column).toList());
    keys.add(bin.as(BIN));
    List<Column> states = new ArrayList<>();
    for (Measure measure : measures()) {
      // the squares only where a spread is read: a mean or a count keeps half the exact sums
      states.add((switch (measure.kind()) {
        case STATE -> exact("loss_state", measure.value());
        case MEAN -> exact("loss_mean_state", measure.value());
        case COUNT -> call_function("loss_mean_state", measure.value());
      }).as(measure.name()));
    }
    return scored.groupBy(keys.toArray(new Column[0]))
        .agg(states.get(0), states.subList(1, states.size()).toArray(new Column[0]));
  }

  /** {@link #aggregate}'s columns, merged from {@link #finestStates}: the same values, bit for bit. */
  Dataset<Row> merge(Dataset<Row> finest) {
    List<Column> aggregates = new ArrayList<>();
    for (Measure measure : measures()) {
      Column merged = merged(measure.name());
      aggregates.add((switch (measure.kind()) {
        case STATE -> merged;
        case MEAN -> call_function("loss_state_stats", merged).getField("mean");
        case COUNT -> call_function("loss_state_stats", merged).getField("rows");
      }).as(measure.name()));
    }
    return groupingSets(finest, aggregates);
  }

  /** The merge of a finest-grain state column; no rows merge to the empty state, as a scan of none. */
  static Column merged(String state) {
    return call_function("loss_merge", col(state));
  }

  /** The finest grain's calibration bin column. */
  static final String BIN = "_xent_bin";

  /** The prediction and label states of the calibration bins in {@link #finestStates}. */
  static String predictionState() {
    return PREDICTION_MEAN;
  }

  static String labelState() {
    return LABEL_MEAN;
  }

  private Column exact(String function, Column value) {
    return weighted ? call_function(function, value, col(LossSpec.WEIGHT)) : call_function(function, value);
  }

  private Dataset<Row> groupingSets(Dataset<Row> rows, List<Column> aggregates) {
    if (sliceColumns.isEmpty()) {
      aggregates.add(0, lit(0L).as(GROUPING));
      return rows.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(new Column[0]));
    }
    aggregates.add(0, grouping_id(sliceColumns.stream().map(XentColumns::column).toArray(Column[]::new)).as(GROUPING));
    List<List<Column>> sets = new ArrayList<>();
    sets.add(List.of());
    slices.forEach(slice -> sets.add(slice.stream().map(XentColumns::column).toList()));
    return SliceGrouping.aggregate(rows, sets, sliceColumns.stream().map(XentColumns::column).toList(), aggregates);
  }

  /**
   * The metrics table, one row per slice value of each slicing plus the overall row, as a Dataset
   * computed (and later written) by the executors: nothing here is collected to the driver.
   */
  Dataset<Row> table(Dataset<Row> aggregated, Timestamp evaluatedAt, String lossFunction) {
    // each struct once per row, as a column: its eight fields would otherwise each evaluate it
    aggregated = aggregated.withColumn(STATS, call_function("loss_state_stats", col(STATE)));
    if (compared) {
      aggregated = aggregated.withColumn(DELTA_STATS, call_function("loss_state_stats", col(DELTA_STATE)));
    }
    Column stats = col(STATS);
    Column mean = stats.getField("mean");
    Column stderr = stats.getField("stderr");
    List<Column> columns = new ArrayList<>(List.of(lit(evaluatedAt).as("evaluated_at"), lit(lossFunction).as("loss_function")));
    columns.addAll(tagColumns());
    columns.add(sliceName(col(GROUPING)).as("slice"));
    sliceColumns.forEach(column -> columns.add(XentColumns.column(column)));
    columns.addAll(List.of(
        stats.getField("rows").as("rows"),
        stats.getField("weight_sum").as("weight_sum"),
        stats.getField("sum").as("loss_sum"),
        mean.as("loss_mean"),
        stats.getField("stddev").as("loss_stddev"),
        stderr.as("loss_stderr"),
        mean.minus(stderr.multiply(Z_95)).as("ci95_low"),
        mean.plus(stderr.multiply(Z_95)).as("ci95_high"),
        col(LABEL_MEAN).as("label_mean"),
        col(PREDICTION_MEAN).as("prediction_mean"),
        normalizedEntropy(mean).as("normalized_entropy"),
        calibrationRatio().as("calibration_ratio")));
    if (compared) {
      // the paired comparison: the mean of per-row differences, its standard error (weighted:
      // with the effective sample size, as loss_stderr) and interval, and the share of rows won
      Column delta = col(DELTA_STATS);
      Column deltaMean = delta.getField("mean");
      Column deltaError = delta.getField("stderr");
      columns.addAll(List.of(
          col(BASELINE_MEAN).as("baseline_loss_mean"),
          deltaMean.as("loss_mean_delta"),
          deltaError.as("delta_stderr"),
          deltaMean.minus(deltaError.multiply(Z_95)).as("delta_ci95_low"),
          deltaMean.plus(deltaError.multiply(Z_95)).as("delta_ci95_high"),
          col(BETTER).as("better_rows_share")));
    }
    columns.add(col(SKIPPED).as("skipped_rows"));
    if (ignoring) {
      columns.add(col(IGNORED).as("ignored_rows"));
    }
    columns.addAll(List.of(
        // the exact state, so that runs roll up (loss_merge) without rescanning predictions
        col(STATE).as("loss_state")));
    return aggregated.select(columns.toArray(new Column[0]));
  }

  /**
   * loss mean / H, H the entropy of the weighted label distribution: {@code H(q) = -(q ln q + r ln
   * r)} for binary labels, with {@code q} the label mean and {@code r} the exact mean of {@code 1 -
   * label} (ln of the larger one through log1p of the smaller, so no digits are lost near 0 or 1);
   * the class entropy for categorical losses; NULL for multi-label losses and where H is 0.
   */
  private Column normalizedEntropy(Column lossMean) {
    Column entropy;
    if (loss.binaryScalar()) {
      Column q = col(LABEL_MEAN);
      Column r = col(LABEL_REST);
      entropy = plogp(q, r).plus(plogp(r, q)).multiply(-1);
    } else if (loss.categorical()) {
      entropy = col(ENTROPY);
    } else {
      return lit(null).cast("double");
    }
    return when(entropy.gt(0), lossMean.divide(entropy));
  }

  /** {@code p ln p}, with {@code ln p = log1p(-rest)} when {@code p > 1/2}, and 0 for p = 0. */
  private static Column plogp(Column p, Column rest) {
    Column log = when(p.gt(0.5), functions.log1p(rest.multiply(-1))).otherwise(functions.log(p));
    return when(p.gt(0), p.multiply(log)).otherwise(lit(0d));
  }

  /**
   * Predicted over observed: binary (and multi-label), sum of w*p / sum of w*y, the ratio of the two
   * exact means; categorical, top-label: the mean confidence of the arg-max class over its accuracy.
   * NULL when the denominator is 0.
   */
  private Column calibrationRatio() {
    Column predicted = loss.categorical() ? col(CONFIDENCE) : col(PREDICTION_MEAN);
    Column observed = loss.categorical() ? col(CORRECT) : col(LABEL_MEAN);
    return when(observed.gt(0), predicted.divide(observed));
  }

  /** The {@code slice} column: which slicing a grouping id over the slice columns stands for. */
  Column sliceName(Column groupingId) {
    Column name = when(groupingId.equalTo(lit(fullMask())), lit(OVERALL));
    for (List<String> slice : slices) {
      name = name.when(groupingId.equalTo(lit(mask(slice))), lit(String.join(",", slice)));
    }
    return name;
  }

  /**
   * The overall row of an input with no rows (a grouped aggregation of nothing has no groups, not
   * even the empty one): 0 rows, every metric NULL.
   */
  Row emptyOverall(StructType table, Timestamp evaluatedAt, String lossFunction) {
    Object[] values = new Object[table.size()];
    tags.forEach((key, value) -> values[table.fieldIndex(key)] = value);
    values[table.fieldIndex("evaluated_at")] = evaluatedAt;
    values[table.fieldIndex("loss_function")] = lossFunction;
    values[table.fieldIndex("slice")] = OVERALL;
    values[table.fieldIndex("rows")] = 0L;
    values[table.fieldIndex("skipped_rows")] = 0L;
    return RowFactory.create(values);
  }

  /** grouping_id's bits: 1 for each column aggregated away, the first column highest. */
  private long mask(List<String> grouped) {
    long mask = 0;
    for (String column : sliceColumns) {
      mask = (mask << 1) | (grouped.contains(column) ? 0 : 1);
    }
    return mask;
  }

  private long fullMask() {
    return (1L << sliceColumns.size()) - 1;
  }
}
