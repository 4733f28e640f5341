package io.sparkxent.job;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.transform;

import io.sparkxent.math.ProbabilityCompat;
import io.sparkxent.spark.LossDescriptor;
import io.sparkxent.spark.LossDescriptor.Label;
import io.sparkxent.spark.LossDescriptor.Prediction;
import io.sparkxent.spark.LossDescriptor.Shape;
import io.sparkxent.spark.LossParameter;
import io.sparkxent.spark.XentFunctions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * What the job computes per row, decided from the options, the input's column types and the loss
 * descriptors of the registry: which loss, its parameters, and the label and predicted-probability
 * values the metrics average. All columns read the standard columns {@link #LABEL}, {@link
 * #PREDICTION} and {@link #WEIGHT} that {@link EvaluationJob} projects the input onto (vectors
 * already turned into arrays).
 */
final class LossSpec {
  static final String LABEL = "_xent_label";
  static final String PREDICTION = "_xent_prediction";
  static final String WEIGHT = "_xent_weight";
  static final String BASELINE = "_xent_baseline";

  private final LossDescriptor loss;
  private final Shape shape;
  private final Map<LossParameter, Object> parameters;

  private LossSpec(LossDescriptor loss, Shape shape, Map<LossParameter, Object> parameters) {
    this.loss = loss;
    this.shape = shape;
    this.parameters = parameters;
  }

  /** Picks the loss (given, or the default for these columns) and checks that it fits them. */
  static LossSpec of(JobConfig config, InputColumns columns) {
    Prediction prediction = config.predictionKind().startsWith("logit") ? Prediction.LOGIT : Prediction.PROBABILITY;
    Shape shape = columns.scalarPrediction() ? Shape.SCALAR : Shape.ARRAY;
    List<Label> labels = columns.scalarPrediction() ? List.of(Label.BINARY)
        : columns.arrayLabel() ? List.of(Label.DENSE, Label.BINARY) : List.of(Label.CLASS_INDEX);
    LossDescriptor fallback = defaultLoss(prediction, shape, labels);
    LossDescriptor loss = config.lossName().map(name -> XentFunctions.loss(name).orElseThrow(
        () -> new UsageException("--loss " + name + " is not one of " + XentFunctions.losses().stream()
            .map(LossDescriptor::name).sorted().collect(Collectors.joining(", ")))))
        .orElse(fallback);
    if (!loss.fits(prediction, shape, Set.copyOf(labels))) {
      throw new UsageException("--loss " + loss.name() + " does not fit --" + config.predictionKind()
          + " with a " + (columns.arrayLabel() ? "array" : "numeric") + " label; the default for these columns is "
          + fallback.name());
    }
    return new LossSpec(loss, shape, parameters(loss, config.lossParameters()));
  }

  /** The first loss of the registry that fits, preferring the label kinds in the order given. */
  private static LossDescriptor defaultLoss(Prediction prediction, Shape shape, List<Label> labels) {
    for (Label label : labels) {
      for (LossDescriptor loss : XentFunctions.losses()) {
        if (loss.fits(prediction, shape, Set.of(label)) && loss.requiredParameters() == 0) {
          return loss;
        }
      }
    }
    throw new IllegalStateException("no loss fits " + prediction + " " + shape + " " + labels);
  }

  private static Map<LossParameter, Object> parameters(LossDescriptor loss, Map<LossParameter, String> given) {
    for (LossParameter parameter : given.keySet()) {
      if (!loss.parameters().contains(parameter)) {
        throw new UsageException("--" + parameter.jobFlag() + " does not apply to " + loss.name()
            + (loss.parameters().isEmpty() ? "" : "; it takes " + loss.parameters().stream()
                .map(p -> "--" + p.jobFlag()).collect(Collectors.joining(", "))));
      }
    }
    Map<LossParameter, Object> values = new LinkedHashMap<>();
    LossParameter missing = null;
    for (LossParameter parameter : loss.parameters()) {
      String value = given.get(parameter);
      if (value == null) {
        if (loss.isRequired(parameter)) {
          throw new UsageException(loss.name() + " needs --" + parameter.jobFlag());
        }
        missing = missing == null ? parameter : missing;
        continue;
      }
      if (missing != null) { // SQL takes trailing parameters in order
        throw new UsageException("--" + parameter.jobFlag() + " needs --" + missing.jobFlag() + " too");
      }
      String name = value.trim().toLowerCase(Locale.ROOT);
      if (parameter.acceptsCompatName() && ProbabilityCompat.COMPAT_NAMES.contains(name)) {
        values.put(parameter, name);
        continue;
      }
      try {
        values.put(parameter, Double.parseDouble(value));
      } catch (NumberFormatException e) {
        throw new UsageException("--" + parameter.jobFlag() + " " + value + " is not a number"
            + (parameter.acceptsCompatName() ? " or one of " + String.join(", ", ProbabilityCompat.COMPAT_NAMES) : ""));
      }
    }
    return values;
  }

  LossDescriptor descriptor() {
    return loss;
  }

  /** The per-row loss, {@code bce_logits(_xent_label, _xent_prediction, 0.1)}, through the registry. */
  Column lossCall() {
    return lossCall(col(PREDICTION));
  }

  /** The same loss of another prediction column (the baseline model's). */
  Column lossCall(Column prediction) {
    List<Column> arguments = new ArrayList<>(List.of(col(LABEL), prediction));
    parameters.values().forEach(value -> arguments.add(lit(value)));
    return call_function(loss.name(), arguments.toArray(new Column[0]));
  }

  /** The loss and its parameters for the metrics table, e.g. {@code bce_logits(ls=0.1)}. */
  String lossLabel() {
    return loss.name() + (parameters.isEmpty() ? "" : parameters.entrySet().stream()
        .map(entry -> entry.getKey().shortName() + "=" + entry.getValue())
        .collect(Collectors.joining(", ", "(", ")")));
  }

  /** The label value averaged into {@code label_mean}: binary labels only (multi-label: their mean). */
  Column labelValue() {
    if (loss.label() != Label.BINARY) {
      return lit(null).cast(DataTypes.DoubleType);
    }
    return shape == Shape.SCALAR ? col(LABEL) : meanOf(col(LABEL));
  }

  /**
   * The predicted probability averaged into {@code prediction_mean}: of the positive class for
   * binary losses, of the true class for categorical ones (unsmoothed, default clipping).
   */
  Column predictionValue() {
    if (loss.label() != Label.BINARY) {
      return exp(call_function(loss.name(), col(LABEL), col(PREDICTION)).multiply(-1));
    }
    if (shape == Shape.SCALAR) {
      return probability(col(PREDICTION));
    }
    return meanOf(transform(col(PREDICTION), this::probability));
  }

  /** Binary labels, one per row: the family whose base entropy and calibration use label_mean. */
  boolean binaryScalar() {
    return loss.label() == Label.BINARY && shape == Shape.SCALAR;
  }

  /** Labels are class indices (sparse categorical losses). */
  boolean classIndexLabels() {
    return loss.label() == Label.CLASS_INDEX;
  }

  /** Categorical losses (class index or one-hot/soft arrays): top-label calibration, class entropy. */
  boolean categorical() {
    return loss.label() != Label.BINARY;
  }

  /**
   * {@code 1 - label} for binary labels: its exact mean is {@code 1 - label_mean} without the
   * cancellation of subtracting a rounded mean near 1 (each {@code 1 - y} is exact for {@code y >=
   * 1/2} and keeps its relative precision below), for the base entropy {@code H(q)}.
   */
  Column labelRestValue() {
    return binaryScalar() ? lit(1d).minus(col(LABEL)) : lit(null).cast(DataTypes.DoubleType);
  }

  /**
   * The aggregate giving the entropy of the weighted empirical class distribution, for categorical
   * losses: {@code class_entropy} of class indices, {@code label_entropy} of one-hot or soft labels.
   */
  Column classEntropy(Column label, java.util.Optional<Column> weight) {
    String function = loss.label() == Label.CLASS_INDEX ? "class_entropy" : "label_entropy";
    return weight.map(w -> call_function(function, label, w)).orElseGet(() -> call_function(function, label));
  }

  /**
   * Top-label calibration of categorical losses: the predicted probability of the arg-max class
   * (softmax of logits), whose mean {@code calibration_ratio} compares with {@link #correctValue}'s.
   */
  Column confidenceValue() {
    Column scores = col(PREDICTION);
    if (loss.prediction() == Prediction.LOGIT) {
      Column max = functions.array_max(scores);
      return lit(1d).divide(aggregate(scores, lit(0d), (sum, x) -> sum.plus(exp(x.minus(max)))));
    }
    return functions.array_max(scores);
  }

  /** Whether the arg-max class is right: 1 or 0 for class indices, the label mass there for arrays. */
  Column correctValue() {
    Column argmax = functions.array_position(col(PREDICTION), functions.array_max(col(PREDICTION)));
    if (loss.label() == Label.CLASS_INDEX) {
      return functions.when(argmax.minus(1).equalTo(col(LABEL)), lit(1d)).otherwise(lit(0d));
    }
    return functions.element_at(col(LABEL), argmax.cast(DataTypes.IntegerType));
  }

  private Column probability(Column prediction) {
    return loss.prediction() == Prediction.LOGIT ? lit(1).divide(lit(1).plus(exp(prediction.multiply(-1)))) : prediction;
  }

  private static Column meanOf(Column array) {
    return aggregate(array, lit(0d), Column::plus).divide(size(array));
  }
}
