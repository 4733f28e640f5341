package io.sparkxent.math;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * How a probability is clipped before its logarithm is taken, reproducing the libraries our users
 * compare against. The losses differ only in these conventions, which is where their numbers part.
 *
 * <ul>
 *   <li>{@code keras} (the default, epsilon 1e-7, or any epsilon given as a number): clip {@code p}
 *       to {@code [eps, 1-eps]}, then take {@code log(p)} and {@code log(1-p)}; categorical
 *       probabilities are first divided by their row sum.
 *   <li>{@code sklearn} ({@code log_loss} since 1.5, epsilon = machine epsilon 2^-52): the binary
 *       complement column {@code 1-p} is formed first and each column is clipped on its own; no
 *       renormalisation.
 *   <li>{@code spark_mllib} ({@code MulticlassMetrics.logLoss}, epsilon 1e-15): as sklearn, with
 *       its epsilon.
 *   <li>{@code torch} ({@code BCELoss}): no clipping, each log clamped at -100; categorical
 *       probabilities are used as given ({@code nll_loss(log(p))}).
 * </ul>
 */
public final class ProbabilityCompat implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Which library's order of operations is reproduced. */
  public enum Convention {
    KERAS,
    SKLEARN,
    SPARK_MLLIB,
    TORCH
  }

  public static final ProbabilityCompat KERAS = new ProbabilityCompat(Convention.KERAS, 1e-7);
  public static final ProbabilityCompat SKLEARN =
      new ProbabilityCompat(Convention.SKLEARN, Math.ulp(1.0));
  public static final ProbabilityCompat SPARK_MLLIB =
      new ProbabilityCompat(Convention.SPARK_MLLIB, 1e-15);
  public static final ProbabilityCompat TORCH = new ProbabilityCompat(Convention.TORCH, 0.0);

  /** The names {@link #named(String)} accepts: each convention's, lower case. */
  public static final List<String> COMPAT_NAMES = java.util.Arrays.stream(Convention.values())
      .map(convention -> convention.name().toLowerCase(Locale.ROOT)).toList();

  /** {@code 'keras', 'sklearn', 'spark_mllib' or 'torch'}, for error messages and documentation. */
  public static final String NAMES = COMPAT_NAMES.stream().map(name -> "'" + name + "'")
      .collect(java.util.stream.Collectors.joining(", ")).replaceFirst(", ([^,]*)$", " or $1");

  private final Convention convention;
  private final double epsilon;
  private final double upperBound;

  private ProbabilityCompat(Convention convention, double epsilon) {
    this.convention = convention;
    this.epsilon = epsilon;
    // The upper clip bound is the double nearest 1 - eps, as every library computes it.
    this.upperBound = 1.0 - epsilon;
  }

  /** Keras clipping with a custom epsilon in {@code [0, 0.5)}; NaN passes through to NaN losses. */
  public static ProbabilityCompat keras(double epsilon) {
    if (epsilon < 0 || epsilon >= 0.5) {
      throw new InvalidInputException("epsilon", epsilon, "a number in [0, 0.5)");
    }
    return epsilon == KERAS.epsilon ? KERAS : new ProbabilityCompat(Convention.KERAS, epsilon);
  }

  /** {@code 'keras'}, {@code 'sklearn'}, {@code 'spark_mllib'} or {@code 'torch'}, any case. */
  public static ProbabilityCompat named(String name) {
    int index = COMPAT_NAMES.indexOf(name.trim().toLowerCase(Locale.ROOT));
    if (index < 0) {
      throw new InvalidInputException("compat", "'" + name + "'", NAMES + ", or an epsilon");
    }
    return List.of(KERAS, SKLEARN, SPARK_MLLIB, TORCH).get(index);
  }

  public Convention convention() {
    return convention;
  }

  public double epsilon() {
    return epsilon;
  }

  /** {@code p} clipped to {@code [eps, 1 - eps]}; NaN stays NaN. */
  double clip(double p) {
    return p < epsilon ? epsilon : (p > upperBound ? upperBound : p);
  }

  @Override
  public String toString() {
    return convention == Convention.KERAS && epsilon != KERAS.epsilon
        ? "epsilon=" + epsilon
        : convention.name().toLowerCase(Locale.ROOT);
  }
}
