package io.sparkxent.math;

import static io.sparkxent.math.BinaryCrossEntropy.checkLabel;
import static io.sparkxent.math.BinaryCrossEntropy.checkLabelSmoothing;
import static io.sparkxent.math.BinaryCrossEntropy.checkProbability;
import static io.sparkxent.math.BinaryCrossEntropy.checkSameLength;

/**
 * Categorical (softmax) cross-entropy over C classes, from logits or probabilities, with dense
 * (one-hot or soft) labels or a class index.
 *
 * <p>From logits, with {@code m = max(x)} and {@code d_k = m - x_k >= 0}, the loss {@code
 * sum_k y_k * (logsumexp(x) - x_k)} is {@code sum_k y_k * d_k + (sum_k y_k) * log1p(T)} where
 * {@code T = sum_{k != argmax} exp(-d_k)}: every term is non-negative (no cancellation), the
 * exponentials never overflow, and {@code log1p(T)} keeps the digits of a near-certain prediction
 * ({@code log1p(3 exp(-200)) = 4.15e-87}, where {@code log(sum exp)} would give 0). Within 4 ulp.
 *
 * <p>A class index is a double that must be a whole number in {@code [0, C)}, so MLlib's double
 * labels work as they are.
 */
public final class CategoricalCrossEntropy {
  private CategoricalCrossEntropy() {}

  /** Softmax cross-entropy with dense labels (TF {@code softmax_cross_entropy_with_logits}). */
  public static double fromLogits(double[] labels, double[] logits) {
    return fromLogits(labels, logits, 0.0);
  }

  /** With Keras label smoothing: each label becomes {@code y*(1-ls) + ls/C}. */
  public static double fromLogits(double[] labels, double[] logits, double labelSmoothing) {
    checkSameLength(labels.length, logits.length, "logits");
    checkLabelSmoothing(labelSmoothing);
    int classes = logits.length;
    double keep = 1.0 - labelSmoothing;
    double spread = labelSmoothing / classes;
    int top = argmax(logits);
    if (top < 0) {
      checkLabels(labels);
      return Double.NaN;
    }
    double max = logits[top];
    CompensatedSum distance = new CompensatedSum();
    CompensatedSum labelMass = new CompensatedSum();
    for (int k = 0; k < classes; k++) {
      checkLabel(labels[k]);
      double label = labelSmoothing == 0 ? labels[k] : Math.fma(labels[k], keep, spread);
      labelMass.add(label);
      if (label != 0) {
        distance.add(label * distanceFromMax(max, logits[k]));
      }
    }
    distance.add(labelMass.high() * log1pSumExpExcept(logits, top));
    return distance.high();
  }

  /** Sparse softmax cross-entropy (TF sparse softmax, PyTorch {@code cross_entropy}). */
  public static double sparseFromLogits(double classIndex, double[] logits) {
    return sparseFromLogits(classIndex, logits, 0.0);
  }

  /** Sparse softmax cross-entropy with label smoothing over the C classes. */
  public static double sparseFromLogits(double classIndex, double[] logits, double labelSmoothing) {
    int target = checkClassIndex(classIndex, logits.length);
    checkLabelSmoothing(labelSmoothing);
    int top = argmax(logits);
    if (top < 0 || Double.isNaN(classIndex)) {
      return Double.NaN;
    }
    double max = logits[top];
    double logPartition = log1pSumExpExcept(logits, top);
    if (labelSmoothing == 0) {
      return distanceFromMax(max, logits[target]) + logPartition;
    }
    // Smoothed labels sum to exactly 1: (1-ls)*d_target + (ls/C)*sum_k d_k + log1p(T).
    CompensatedSum all = new CompensatedSum();
    for (double logit : logits) {
      all.add(distanceFromMax(max, logit));
    }
    CompensatedSum loss = new CompensatedSum();
    loss.add((1.0 - labelSmoothing) * distanceFromMax(max, logits[target]));
    loss.add(labelSmoothing / logits.length * all.high());
    loss.add(logPartition);
    return loss.high();
  }

  /** From probabilities with dense labels, clipped as {@code compat} says (default Keras). */
  public static double fromProbabilities(
      double[] labels, double[] probabilities, ProbabilityCompat compat) {
    checkSameLength(labels.length, probabilities.length, "probabilities");
    checkLabels(labels);
    double[] rowSum = rowSum(probabilities, compat);
    CompensatedSum loss = new CompensatedSum();
    for (int k = 0; k < labels.length; k++) {
      if (labels[k] != 0) {
        loss.add(-labels[k] * logProbability(probabilities, k, rowSum, compat));
      }
    }
    return loss.high();
  }

  /** From probabilities with a class index: {@code -log p[k]}, clipped as {@code compat} says. */
  public static double sparseFromProbabilities(
      double classIndex, double[] probabilities, ProbabilityCompat compat) {
    int target = checkClassIndex(classIndex, probabilities.length);
    double[] rowSum = rowSum(probabilities, compat);
    if (Double.isNaN(classIndex)) {
      return Double.NaN;
    }
    return -logProbability(probabilities, target, rowSum, compat);
  }

  /**
   * {@code log} of the clipped probability of class k. Keras first divides by the row sum; where
   * that share exceeds 1/2 it is taken as {@code log1p(-rest/sum)}, with {@code rest} the exact
   * mass of the other classes, because the rounded quotient near 1 has lost the digits of its
   * logarithm.
   */
  private static double logProbability(
      double[] probabilities, int k, double[] rowSum, ProbabilityCompat compat) {
    double p = probabilities[k];
    switch (compat.convention()) {
      case KERAS:
        double sumHigh = rowSum[0];
        double share = p / sumHigh;
        double clipped = compat.clip(share);
        if (clipped != share || share <= 0.5) {
          return Math.log(clipped);
        }
        // p >= sum/2, so sumHigh - p is exact (Sterbenz).
        double rest = (sumHigh - p) + rowSum[1];
        return Logistic.log1p(-rest / sumHigh);
      case TORCH:
        return Math.log(p);
      default:
        return Math.log(compat.clip(p));
    }
  }

  /**
   * Validates the probabilities; for Keras returns their sum in double-double {@code {high, low}},
   * which the renormalisation divides by. Other conventions do not renormalise: {@code null}.
   */
  private static double[] rowSum(double[] probabilities, ProbabilityCompat compat) {
    if (probabilities.length == 0) {
      throw new InvalidInputException("probabilities", "an empty array", "at least one element");
    }
    CompensatedSum sum = new CompensatedSum();
    for (double p : probabilities) {
      checkProbability("probabilities", p);
      sum.add(p);
    }
    if (compat.convention() != ProbabilityCompat.Convention.KERAS) {
      return null;
    }
    if (sum.high() == 0) {
      throw new InvalidInputException(
          "probabilities", "all zero", "a positive sum to renormalise by (Keras divides by it)");
    }
    return new double[] {sum.high(), sum.low()};
  }

  /** {@code log(1 + sum_{k != top} exp(x_k - max))}, the log of the softmax denominator. */
  private static double log1pSumExpExcept(double[] logits, int top) {
    double max = logits[top];
    CompensatedSum tail = new CompensatedSum();
    for (int k = 0; k < logits.length; k++) {
      if (k != top) {
        tail.add(expOfDifference(logits[k], max));
      }
    }
    return Logistic.log1p(tail.high());
  }

  /**
   * {@code exp(logit - max)} for {@code logit <= max}. The difference is rounded, and exp turns
   * its absolute error into a relative one (0.5 ulp of 274 is 128 ulps of exp(-274)), so the
   * rounding error of the subtraction (TwoSum) is folded back in: {@code exp(-d - err) = exp(-d) *
   * (1 - err)}.
   */
  private static double expOfDifference(double logit, double max) {
    if (logit == max) {
      return 1.0;
    }
    double difference = logit - max;
    double exp = Math.exp(difference);
    if (exp == 0) {
      return 0.0; // also an infinite difference, whose rounding error is NaN
    }
    double back = difference - logit;
    double error = (logit - (difference - back)) + (-max - back);
    return Math.fma(exp, error, exp);
  }

  /** {@code max - x}, taking equal infinities as distance 0 (where {@code inf - inf} is NaN). */
  private static double distanceFromMax(double max, double logit) {
    return logit == max ? 0.0 : max - logit;
  }

  /** Index of the first largest logit, or -1 when any logit is NaN. */
  private static int argmax(double[] logits) {
    if (logits.length == 0) {
      throw new InvalidInputException("logits", "an empty array", "at least one element");
    }
    int top = 0;
    for (int k = 0; k < logits.length; k++) {
      double x = logits[k];
      if (Double.isNaN(x)) {
        return -1;
      }
      if (x > logits[top]) {
        top = k;
      }
    }
    return top;
  }

  private static void checkLabels(double[] labels) {
    for (double label : labels) {
      checkLabel(label);
    }
  }

  /** The class index as an int; NaN passes (the loss is NaN), anything else must be in range. */
  private static int checkClassIndex(double classIndex, int classes) {
    if (Double.isNaN(classIndex)) {
      return 0;
    }
    if (!(classIndex >= 0 && classIndex < classes && classIndex == Math.rint(classIndex))) {
      throw new InvalidInputException(
          "class_index",
          classIndex,
          "a whole number in [0, " + classes + ") for " + classes + " classes");
    }
    return (int) classIndex;
  }
}
