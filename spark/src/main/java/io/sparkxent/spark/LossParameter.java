package io.sparkxent.spark;

import io.sparkxent.math.ProbabilityCompat;

/**
 * A parameter of a loss after its label and prediction, as SQL, the job and the evaluator name it.
 * Losses share these (label smoothing means the same in {@code bce_logits} and {@code cce_logits}),
 * so each is declared once here and listed by the descriptors that take it.
 */
public enum LossParameter {
  LABEL_SMOOTHING("label_smoothing", "ls", "LS", "0",
      "label smoothing in [0, 1]: the label z becomes z*(1-ls) + ls/C (Keras), C = 2 for binary losses"),
  POS_WEIGHT("pos_weight", "pos_weight", "Q", null,
      "weight of the positive term, finite and >= 0 (TF weighted_cross_entropy_with_logits, PyTorch pos_weight)"),
  GAMMA("gamma", "gamma", "G", null, "focusing parameter >= 0 of the focal factor (1-p_t)^gamma"),
  ALPHA("alpha", "alpha", "A", "none (no class balance)",
      "class balance in [0, 1]: the loss is multiplied by alpha*z + (1-alpha)*(1-z)"),
  /** An epsilon number, or in SQL a separate {@code compat} string argument. */
  EPSILON("epsilon", "epsilon", "EPS|" + String.join("|", ProbabilityCompat.COMPAT_NAMES), "keras (1e-7)",
      "probability clipping: a number in [0, 0.5) (Keras clipping with that epsilon) or the compat name of"
          + " the library to reproduce, " + String.join(", ", ProbabilityCompat.COMPAT_NAMES));

  private final String sqlName;
  private final String shortName;
  private final String metavar;
  private final String defaultValue;
  private final String doc;

  LossParameter(String sqlName, String shortName, String metavar, String defaultValue, String doc) {
    this.sqlName = sqlName;
    this.shortName = shortName;
    this.metavar = metavar;
    this.defaultValue = defaultValue;
    this.doc = doc;
  }

  /**
   * What a loss uses when the argument is not given, or null where the losses that take it
   * require it (the kernels' {@code @DefaultsTo} implement these; RegistryTest runs both forms).
   */
  public String defaultValue() {
    return defaultValue;
  }

  /** The SQL argument name, {@code label_smoothing}. */
  public String sqlName() {
    return sqlName;
  }

  /** The job's flag without dashes, {@code label-smoothing}. */
  public String jobFlag() {
    return sqlName.replace('_', '-');
  }

  /** How the metrics table's {@code loss_function} shows it: {@code bce_logits(ls=0.1)}. */
  public String shortName() {
    return shortName;
  }

  /** The placeholder {@code --help} shows after the flag. */
  public String metavar() {
    return metavar;
  }

  /** What it means and which values it takes, and its default. */
  public String doc() {
    return meaning() + (defaultValue == null ? "" : "; default " + defaultValue);
  }

  /** What it means and which values it takes. */
  public String meaning() {
    return doc;
  }

  /** The parameter whose job flag this is ({@code label-smoothing}). */
  public static java.util.Optional<LossParameter> byJobFlag(String flag) {
    return java.util.Arrays.stream(values()).filter(parameter -> parameter.jobFlag().equals(flag)).findFirst();
  }

  /** Whether a compat name ({@code 'sklearn'}) is accepted besides a number. */
  public boolean acceptsCompatName() {
    return this == EPSILON;
  }
}
