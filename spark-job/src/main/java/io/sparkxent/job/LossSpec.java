package io.sparkxent.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * What the job computes per row, decided from the options and the input schema: the SQL loss
 * call (one of the library's functions), the reason a row is invalid (or NULL), and the label and
 * predicted-probability values the metrics average. All expressions read the standard columns
 * {@link #LABEL}, {@link #PREDICTION} and {@link #WEIGHT} that {@link EvaluationJob} projects the
 * input onto (vectors already turned into arrays); messages name the user's columns.
 */
final class LossSpec {
  static final String LABEL = "_xent_label";
  static final String PREDICTION = "_xent_prediction";
  static final String WEIGHT = "_xent_weight";

  private static final Map<String, Set<String>> PARAMETERS = Map.of(
      "bce_logits", Set.of(JobConfig.LABEL_SMOOTHING),
      "weighted_bce_logits", Set.of(JobConfig.POS_WEIGHT),
      "focal_bce_logits", Set.of(JobConfig.GAMMA, JobConfig.ALPHA),
      "bce", Set.of(JobConfig.EPSILON),
      "cce_logits", Set.of(JobConfig.LABEL_SMOOTHING),
      "sparse_cce_logits", Set.of(JobConfig.LABEL_SMOOTHING),
      "cce", Set.of(JobConfig.EPSILON),
      "sparse_cce", Set.of(JobConfig.EPSILON));
  private static final Set<String> COMPAT_NAMES = Set.of("keras", "sklearn", "spark_mllib", "torch");

  private final String lossCall;
  private final String lossLabel;
  private final String invalidReason;
  private final String labelValue;
  private final String predictionValue;

  private LossSpec(String lossCall, String lossLabel, String invalidReason,
      String labelValue, String predictionValue) {
    this.lossCall = lossCall;
    this.lossLabel = lossLabel;
    this.invalidReason = invalidReason;
    this.labelValue = labelValue;
    this.predictionValue = predictionValue;
  }

  /** Checks the columns' presence and types and picks the loss. */
  static LossSpec of(JobConfig config, StructType schema) {
    DataType label = column(schema, config.labelColumn(), "--label");
    DataType prediction = column(schema, config.predictionColumn(), "--" + config.predictionKind());
    config.weightColumn().ifPresent(weight -> requireNumber(schema, weight, column(schema, weight, "--weight")));
    boolean scalarPrediction = config.predictionKind().equals(JobConfig.LOGIT)
        || config.predictionKind().equals(JobConfig.PROB);
    if (scalarPrediction) {
      requireNumber(schema, config.predictionColumn(), prediction);
      requireNumber(schema, config.labelColumn(), label);
    } else {
      requireArrayOrVector(config.predictionColumn(), prediction);
      if (!(label instanceof NumericType) && !isNumberArray(label) && !isVector(label)) {
        throw wrongType(config.labelColumn(), label,
            "a numeric class index, or an array of numbers or MLlib vector (one-hot or soft labels)");
      }
    }
    boolean logits = config.predictionKind().startsWith("logit");
    boolean arrayLabel = label instanceof ArrayType || isVector(label);
    String function = config.lossName().orElse(defaultLoss(config.predictionKind(), arrayLabel));
    checkFunctionFits(function, config, scalarPrediction, logits, arrayLabel);
    Map<String, String> parameters = parameters(function, config.lossParameters());
    String call = function + "(" + LABEL + ", " + PREDICTION
        + parameters.values().stream().map(value -> ", " + value).collect(Collectors.joining()) + ")";
    String description = function + (parameters.isEmpty() ? "" : parameters.entrySet().stream()
        .map(entry -> shortName(entry.getKey()) + "=" + entry.getValue().replace("'", ""))
        .collect(Collectors.joining(", ", "(", ")")));
    boolean classIndex = !scalarPrediction && !arrayLabel;
    String reason = invalidReason(config, scalarPrediction, logits, arrayLabel, classIndex);
    String labelValue = scalarPrediction ? LABEL
        : arrayLabel && function.startsWith("bce") ? "aggregate(" + LABEL + ", 0D, (a, x) -> a + x) / size(" + LABEL + ")"
        : "CAST(NULL AS DOUBLE)";
    String predictionValue = function.startsWith("bce") || function.endsWith("bce_logits")
        ? (scalarPrediction ? probability(PREDICTION, logits)
            : "aggregate(" + PREDICTION + ", 0D, (a, x) -> a + " + probability("x", logits) + ") / size(" + PREDICTION + ")")
        // categorical: the probability the model gave the true class (unsmoothed, default clipping)
        : "exp(-" + function + "(" + LABEL + ", " + PREDICTION + "))";
    return new LossSpec(call, description, reason, labelValue, predictionValue);
  }

  /** The per-row loss call, e.g. {@code bce_logits(_xent_label, _xent_prediction, 0.1)}. */
  String lossCall() {
    return lossCall;
  }

  /** The loss and its parameters for the metrics table, e.g. {@code bce_logits(ls=0.1)}. */
  String lossLabel() {
    return lossLabel;
  }

  /** A string expression: why the row cannot be scored, or NULL for a valid row. */
  String invalidReason() {
    return invalidReason;
  }

  /** The label value averaged into {@code label_mean} (NULL for categorical labels). */
  String labelValue() {
    return labelValue;
  }

  /** The predicted probability averaged into {@code prediction_mean}. */
  String predictionValue() {
    return predictionValue;
  }

  private static String defaultLoss(String kind, boolean arrayLabel) {
    switch (kind) {
      case JobConfig.LOGIT:
        return "bce_logits";
      case JobConfig.PROB:
        return "bce";
      case JobConfig.LOGITS:
        return arrayLabel ? "cce_logits" : "sparse_cce_logits";
      default:
        return arrayLabel ? "cce" : "sparse_cce";
    }
  }

  private static void checkFunctionFits(
      String function, JobConfig config, boolean scalar, boolean logits, boolean arrayLabel) {
    if (!PARAMETERS.containsKey(function)) {
      throw new UsageException("--loss " + function + " is not one of "
          + PARAMETERS.keySet().stream().sorted().collect(Collectors.joining(", ")));
    }
    boolean fromLogits = function.endsWith("logits");
    boolean binary = function.contains("bce");
    boolean fits = fromLogits == logits
        && (scalar ? binary : (binary ? arrayLabel : function.startsWith("sparse") != arrayLabel))
        && (scalar || !function.equals("weighted_bce_logits") && !function.equals("focal_bce_logits"));
    if (!fits) {
      throw new UsageException("--loss " + function + " does not fit --" + config.predictionKind()
          + " with a " + (arrayLabel ? "array" : "numeric") + " label; the default for these columns is "
          + defaultLoss(config.predictionKind(), arrayLabel));
    }
  }

  private static Map<String, String> parameters(String function, Map<String, String> given) {
    Set<String> accepted = PARAMETERS.get(function);
    Map<String, String> parameters = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : given.entrySet()) {
      if (!accepted.contains(entry.getKey())) {
        throw new UsageException("--" + entry.getKey() + " does not apply to " + function
            + (accepted.isEmpty() ? "" : "; it takes " + accepted.stream().map(k -> "--" + k).sorted()
                .collect(Collectors.joining(", "))));
      }
    }
    for (String key : List.of(JobConfig.LABEL_SMOOTHING, JobConfig.POS_WEIGHT, JobConfig.EPSILON,
        JobConfig.GAMMA, JobConfig.ALPHA)) {
      if (!accepted.contains(key)) {
        continue;
      }
      String value = given.get(key);
      if (value == null) {
        if (key.equals(JobConfig.POS_WEIGHT) || key.equals(JobConfig.GAMMA)) {
          throw new UsageException(function + " needs --" + key);
        }
        continue;
      }
      if (key.equals(JobConfig.EPSILON) && COMPAT_NAMES.contains(value.toLowerCase(Locale.ROOT))) {
        parameters.put(key, "'" + value.toLowerCase(Locale.ROOT) + "'");
        continue;
      }
      try {
        parameters.put(key, Double.toString(Double.parseDouble(value)));
      } catch (NumberFormatException e) {
        throw new UsageException("--" + key + " " + value + " is not a number"
            + (key.equals(JobConfig.EPSILON) ? " or one of keras, sklearn, spark_mllib, torch" : ""));
      }
    }
    return parameters;
  }

  private static String shortName(String key) {
    switch (key) {
      case JobConfig.LABEL_SMOOTHING:
        return "ls";
      case JobConfig.POS_WEIGHT:
        return "pos_weight";
      default:
        return key;
    }
  }

  /** CASE WHEN ... THEN 'why' ... END over the standard columns, naming the user's columns. */
  private static String invalidReason(
      JobConfig config, boolean scalar, boolean logits, boolean arrayLabel, boolean classIndex) {
    String label = "label column " + quoted(config.labelColumn());
    String prediction = config.predictionKind() + " column " + quoted(config.predictionColumn());
    List<String[]> checks = new ArrayList<>();
    checks.add(new String[] {LABEL + " IS NULL", text(label + " is NULL")});
    checks.add(new String[] {PREDICTION + " IS NULL", text(prediction + " is NULL")});
    if (scalar) {
      checks.add(new String[] {"isnan(" + LABEL + ") OR " + LABEL + " < 0 OR " + LABEL + " > 1",
          value(label + " = ", LABEL, " is outside [0, 1]")});
      checks.add(new String[] {"isnan(" + PREDICTION + ")", text(prediction + " is NaN")});
      if (!logits) {
        checks.add(new String[] {PREDICTION + " < 0 OR " + PREDICTION + " > 1",
            value(prediction + " = ", PREDICTION, " is outside [0, 1]")});
      }
    } else {
      checks.add(new String[] {"size(" + PREDICTION + ") = 0", text(prediction + " is an empty array")});
      checks.add(new String[] {"exists(" + PREDICTION + ", x -> x IS NULL OR isnan(x))",
          value(prediction + " = ", PREDICTION, " has a NULL or NaN element")});
      if (!logits) {
        checks.add(new String[] {"exists(" + PREDICTION + ", x -> x < 0 OR x > 1)",
            value(prediction + " = ", PREDICTION, " has an element outside [0, 1]")});
      }
      if (classIndex) {
        checks.add(new String[] {"isnan(" + LABEL + ") OR " + LABEL + " < 0 OR " + LABEL + " >= size(" + PREDICTION
            + ") OR " + LABEL + " != floor(" + LABEL + ")",
            "concat('" + escape(label) + " = ', CAST(" + LABEL + " AS STRING), ' is not a class index in [0, ', CAST(size("
                + PREDICTION + ") AS STRING), ')')"});
      } else if (arrayLabel) {
        checks.add(new String[] {"size(" + LABEL + ") != size(" + PREDICTION + ")",
            "concat('" + escape(label) + " has ', CAST(size(" + LABEL + ") AS STRING), ' elements but "
                + escape(prediction) + " has ', CAST(size(" + PREDICTION + ") AS STRING))"});
        checks.add(new String[] {"exists(" + LABEL + ", x -> x IS NULL OR isnan(x) OR x < 0 OR x > 1)",
            value(label + " = ", LABEL, " has an element outside [0, 1]")});
      }
    }
    config.weightColumn().ifPresent(weight -> checks.add(new String[] {
        WEIGHT + " IS NULL OR isnan(" + WEIGHT + ") OR " + WEIGHT + " < 0 OR " + WEIGHT + " = double('Infinity')",
        "concat('weight column " + escape(quoted(weight)) + " = ', coalesce(CAST(" + WEIGHT
            + " AS STRING), 'NULL'), ' is not a finite number >= 0')"}));
    StringBuilder sql = new StringBuilder("CASE");
    for (String[] check : checks) {
      sql.append(" WHEN ").append(check[0]).append(" THEN ").append(check[1]);
    }
    return sql.append(" END").toString();
  }

  private static String probability(String value, boolean logits) {
    return logits ? "1 / (1 + exp(-" + value + "))" : value;
  }

  private static DataType column(StructType schema, String name, String flag) {
    for (StructField field : schema.fields()) {
      if (field.name().equals(name)) {
        return field.dataType();
      }
    }
    throw new UsageException("column " + quoted(name) + " (" + flag + ") is not in the input; its columns are "
        + String.join(", ", schema.fieldNames()));
  }

  private static void requireNumber(StructType schema, String name, DataType type) {
    if (!(type instanceof NumericType)) {
      throw wrongType(name, type, "a numeric type (double, float, int, bigint, decimal)");
    }
  }

  private static boolean isVector(DataType type) {
    return type instanceof UserDefinedType
        && ((UserDefinedType<?>) type).userClass().getName().equals("org.apache.spark.ml.linalg.Vector");
  }

  private static void requireArrayOrVector(String name, DataType type) {
    if (!isVector(type) && !isNumberArray(type)) {
      throw wrongType(name, type, "an array of numbers or an MLlib vector");
    }
  }

  private static boolean isNumberArray(DataType type) {
    return type instanceof ArrayType && ((ArrayType) type).elementType() instanceof NumericType;
  }

  private static UsageException wrongType(String name, DataType type, String expected) {
    return new UsageException("column " + quoted(name) + " has type " + type.simpleString() + "; expected " + expected);
  }

  static String quoted(String column) {
    return "`" + column + "`";
  }

  private static String text(String message) {
    return "'" + escape(message) + "'";
  }

  private static String value(String before, String column, String after) {
    return "concat('" + escape(before) + "', CAST(" + column + " AS STRING), '" + escape(after) + "')";
  }

  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("'", "\\'");
  }
}
