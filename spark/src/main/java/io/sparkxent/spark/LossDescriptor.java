package io.sparkxent.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Everything the entry points need to know about one per-row loss, written once: its SQL name,
 * what it predicts from and against which labels, its parameters, its one-line meaning and its
 * examples. The function classes bind from it, {@code DESCRIBE FUNCTION} prints it, the job picks
 * and checks its {@code --loss} and flags with it, {@code --help} and the evaluator's params quote
 * it, and a test holds the README's function table to it.
 *
 * <pre>{@code
 * LossDescriptor.of("bce_logits", Prediction.LOGIT, Label.BINARY)
 *     .shapes(Shape.SCALAR, Shape.ARRAY).parameters(LossParameter.LABEL_SMOOTHING)
 *     .summary("binary cross-entropy ...").example("SELECT bce_logits(1, 0)", "0.6931471805599453");
 * }</pre>
 */
public final class LossDescriptor implements FunctionDocumentation {
  /** What the model's output is. */
  public enum Prediction {
    LOGIT("logit", "logits"),
    PROBABILITY("probability", "probabilities");

    private final String one;
    private final String many;

    Prediction(String one, String many) {
      this.one = one;
      this.many = many;
    }

    /** The argument name: {@code logit} for one number, {@code logits} for an array. */
    public String argumentName(Shape shape) {
      return shape == Shape.SCALAR ? one : many;
    }
  }

  /** One prediction per row (a number), or one per class or output (an array or MLlib vector). */
  public enum Shape {
    SCALAR,
    ARRAY
  }

  /** What the label is. */
  public enum Label {
    /** 0/1 or a soft label in [0, 1]; with array predictions, one per element (multi-label). */
    BINARY,
    /** An array of per-class labels (one-hot or soft) as long as the prediction array. */
    DENSE,
    /** A whole number in [0, C): the index of the true class. */
    CLASS_INDEX;

    /** The argument name for this label with predictions of this shape. */
    public String argumentName(Shape shape) {
      return this == CLASS_INDEX ? "class_index" : shape == Shape.SCALAR ? "label" : "labels";
    }
  }

  private final String name;
  private final Prediction prediction;
  private final Label label;
  private List<Shape> shapes = List.of(Shape.SCALAR);
  private List<LossParameter> parameters = List.of();
  private int requiredParameters;
  private String summary = "";
  private final List<FunctionExample> examples = new ArrayList<>();

  private LossDescriptor(String name, Prediction prediction, Label label) {
    this.name = name;
    this.prediction = prediction;
    this.label = label;
  }

  /** Starts a descriptor; the setters below complete it while the function class is initialised. */
  public static LossDescriptor of(String name, Prediction prediction, Label label) {
    return new LossDescriptor(name, prediction, label);
  }

  /** The prediction shapes the loss takes, in the order its argument lists are tried. */
  public LossDescriptor shapes(Shape... shapes) {
    this.shapes = List.of(shapes);
    return this;
  }

  /** Trailing parameters, all optional, in SQL argument order. */
  public LossDescriptor parameters(LossParameter... parameters) {
    this.parameters = List.of(parameters);
    return this;
  }

  /** Makes the first {@code count} parameters required ({@code pos_weight}, {@code gamma}). */
  public LossDescriptor required(int count) {
    this.requiredParameters = count;
    return this;
  }

  /** What the loss computes, for {@code DESCRIBE FUNCTION} and the README: white space folds to one line. */
  public LossDescriptor summary(String summary) {
    this.summary = summary.replaceAll("\\s+", " ").strip();
    return this;
  }

  public LossDescriptor example(String sql, String result) {
    examples.add(new FunctionExample(sql, result));
    return this;
  }

  public String name() {
    return name;
  }

  public Prediction prediction() {
    return prediction;
  }

  public Label label() {
    return label;
  }

  public List<Shape> shapes() {
    return shapes;
  }

  public List<LossParameter> parameters() {
    return parameters;
  }

  /** Whether the parameter must be given (the loss has no meaningful default for it). */
  public boolean isRequired(LossParameter parameter) {
    return parameters.indexOf(parameter) < requiredParameters && parameters.contains(parameter);
  }

  public int requiredParameters() {
    return requiredParameters;
  }

  @Override
  public String summary() {
    return summary;
  }

  @Override
  public List<FunctionExample> examples() {
    return List.copyOf(examples);
  }

  /**
   * Whether the loss fits a prediction column of this kind and shape with labels of this kind:
   * array predictions with array labels fit dense (categorical) and binary (multi-label) losses.
   */
  public boolean fits(Prediction prediction, Shape shape, Set<Label> labels) {
    return this.prediction == prediction && shapes.contains(shape) && labels.contains(label);
  }

  /** {@code bce_logits(label, logit [, label_smoothing])}, one line per prediction shape. */
  @Override
  public List<String> usage() {
    List<String> lines = new ArrayList<>();
    for (Shape shape : shapes) {
      StringBuilder line = new StringBuilder(name).append('(')
          .append(label.argumentName(shape)).append(", ").append(prediction.argumentName(shape));
      for (int i = 0; i < parameters.size(); i++) {
        String argument = parameters.get(i).acceptsCompatName() ? "epsilon | compat" : parameters.get(i).sqlName();
        line.append(i < requiredParameters ? ", " + argument : " [, " + argument);
      }
      line.append("]".repeat(Math.max(0, parameters.size() - requiredParameters))).append(')');
      lines.add(line.toString());
    }
    return lines;
  }

  @Override
  public String toString() {
    return name;
  }
}
