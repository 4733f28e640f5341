package io.sparkxent.math;

import static io.sparkxent.math.Logistic.softplusOfNegative;

/**
 * Binary cross-entropy, from a logit or from a probability, for hard (0/1) and soft labels.
 *
 * <p>From a logit {@code x} and label {@code z} the loss is {@code z*softplus(-x) +
 * (1-z)*softplus(x)}, rewritten as the sum of two non-negative terms, {@code x*(1-z) + log(1 +
 * exp(-x))} for {@code x > 0} and {@code -x*z + log(1 + exp(x))} otherwise. A sum of non-negative
 * terms cannot cancel, so each term's relative error bounds the result's; the first term is one
 * fused multiply-add (one rounding, where {@code max(x,0) - x*z} rounds {@code x*z} first and
 * loses up to {@code |x|/loss} ulps for soft labels). Every function here is within 4 ulp of the
 * exact value for finite inputs and never overflows for finite logits.
 *
 * <p>Invalid arguments (a label outside [0, 1], say) throw {@link InvalidInputException}; NaN in
 * any argument gives NaN.
 */
public final class BinaryCrossEntropy {
  private BinaryCrossEntropy() {}

  /** TF {@code sigmoid_cross_entropy_with_logits}, PyTorch {@code BCEWithLogitsLoss}. */
  public static double fromLogit(double label, double logit) {
    checkLabel(label);
    double x = logit;
    if (Double.isInfinite(x)) {
      return limitAtInfinity(x > 0 ? 1.0 - label : label);
    }
    // max(x, 0) - x*z in one rounding: x*(1-z) for x > 0, -x*z otherwise. Branch-free, since
    // the sign of a logit is a coin toss the branch predictor would lose.
    return Math.fma(-label, x, Math.max(x, 0.0)) + softplusOfNegative(Math.abs(x));
  }

  /**
   * With Keras label smoothing: the label becomes {@code z*(1-ls) + ls/2}.
   *
   * <p>The smoothed label and its complement {@code (1-z)*(1-ls) + ls/2} are carried in
   * double-double: a rounded smoothed label would cost up to {@code |x| * ulp(z')} absolute, many
   * ulps of a loss that is small next to {@code |x|}.
   */
  public static double fromLogit(double label, double logit, double labelSmoothing) {
    checkLabel(label);
    checkLabelSmoothing(labelSmoothing);
    if (labelSmoothing == 0) {
      return fromLogit(label, logit);
    }
    double x = logit;
    if (Double.isInfinite(x)) {
      // Both label and complement are at least ls/2 > 0: the loss grows without bound.
      return Double.POSITIVE_INFINITY;
    }
    // 1 - ls = keepHigh + keepLow exactly (Fast2Sum: ls <= 1).
    double keepHigh = 1.0 - labelSmoothing;
    double keepLow = (1.0 - keepHigh) - labelSmoothing;
    double half = labelSmoothing * 0.5;
    if (x > 0) {
      double complementHigh = 1.0 - label;
      double complementLow = (1.0 - complementHigh) - label;
      return scaledProductPlus(x, complementHigh, complementLow, keepHigh, keepLow, half)
          + softplusOfNegative(x);
    }
    return scaledProductPlus(-x, label, 0.0, keepHigh, keepLow, half) + softplusOfNegative(-x);
  }

  /**
   * TF {@code weighted_cross_entropy_with_logits}, PyTorch {@code BCEWithLogitsLoss(pos_weight)}:
   * {@code q*z*softplus(-x) + (1-z)*softplus(x)}, again a sum of two non-negative terms.
   */
  public static double weightedFromLogit(double label, double logit, double positiveWeight) {
    checkLabel(label);
    if (positiveWeight < 0 || positiveWeight == Double.POSITIVE_INFINITY) {
      throw new InvalidInputException("pos_weight", positiveWeight, "a finite number >= 0");
    }
    double x = logit;
    double positiveCoefficient = positiveWeight * label;
    if (x == Double.POSITIVE_INFINITY) {
      return limitAtInfinity(1.0 - label);
    }
    if (x == Double.NEGATIVE_INFINITY) {
      return limitAtInfinity(positiveCoefficient);
    }
    double tail = softplusOfNegative(Math.abs(x));
    if (x > 0) {
      double softplusPositive = x + tail;
      // For x > 708 the tail is exp(-x), subnormal; a large pos_weight must not scale its error.
      double positiveTerm = tail < Double.MIN_NORMAL && positiveCoefficient > 1
          ? Logistic.scaledExpOfNegative(positiveCoefficient, x)
          : positiveCoefficient * tail;
      return positiveTerm + Math.fma(-label, softplusPositive, softplusPositive);
    }
    double softplusNegative = tail - x;
    return positiveCoefficient * softplusNegative + Math.fma(-label, tail, tail);
  }

  /**
   * Binary focal loss {@code (1-p_t)^gamma * bce}, where {@code 1-p_t = z*sigmoid(-x) +
   * (1-z)*sigmoid(x)} (Keras {@code BinaryFocalCrossentropy} without class balancing).
   */
  public static double focalFromLogit(double label, double logit, double gamma) {
    return focal(label, logit, gamma, null);
  }

  /**
   * Binary focal loss with class balancing, {@code alpha_t * (1-p_t)^gamma * bce} where {@code
   * alpha_t = alpha*z + (1-alpha)*(1-z)} (Keras with {@code apply_class_balancing=True}, torchvision
   * {@code sigmoid_focal_loss}).
   */
  public static double focalFromLogit(double label, double logit, double gamma, double alpha) {
    if (alpha < 0 || alpha > 1) {
      throw new InvalidInputException("alpha", alpha, "a number in [0, 1]");
    }
    if (Double.isNaN(alpha)) {
      return Double.NaN;
    }
    DoubleDouble complement = DoubleDouble.sum(1.0, -label);
    DoubleDouble balance =
        DoubleDouble.product(alpha, label).plus(DoubleDouble.sum(1.0, -alpha).times(complement));
    return focal(label, logit, gamma, balance);
  }

  /**
   * The focal factor in double-double, times the loss, rounded once. In doubles, {@code
   * (1-p_t)^gamma} multiplies the relative error of {@code 1-p_t} (a few ulps from exp and the
   * divisions) by gamma; carried to 100 bits it adds nothing, so the result keeps the loss's own
   * bound plus the final rounding, within 4 ulp for any gamma.
   */
  private static double focal(double label, double logit, double gamma, DoubleDouble balance) {
    checkGamma(gamma);
    double bce = fromLogit(label, logit);
    if (Double.isNaN(bce) || Double.isNaN(gamma) || bce == 0) {
      return Double.isNaN(gamma) ? Double.NaN : bce;
    }
    DoubleDouble missed;
    if (Double.isInfinite(logit)) {
      missed = DoubleDouble.sum(logit > 0 ? 1.0 : 0.0, logit > 0 ? -label : label); // 1-z or z
    } else {
      double t = Math.abs(logit);
      DoubleDouble tail = DoubleDouble.of(-t).exp(); // e^-|x|
      DoubleDouble onePlusTail = tail.plus(1.0);
      DoubleDouble sigmoidSmall = tail.dividedBy(onePlusTail); // sigmoid(-|x|)
      DoubleDouble sigmoidLarge = DoubleDouble.ONE.dividedBy(onePlusTail); // sigmoid(|x|)
      boolean positive = logit >= 0;
      DoubleDouble complement = DoubleDouble.sum(1.0, -label);
      missed = (positive ? sigmoidSmall : sigmoidLarge).times(label)
          .plus((positive ? sigmoidLarge : sigmoidSmall).times(complement));
    }
    DoubleDouble factor = missed.pow(gamma);
    if (balance != null) {
      factor = factor.times(balance);
    }
    return factor.times(bce).value();
  }

  /** From a probability, clipped as Keras does, to {@code [1e-7, 1 - 1e-7]}. */
  public static double fromProbability(double label, double probability) {
    return fromProbability(label, probability, ProbabilityCompat.KERAS);
  }

  /** From a probability, clipped as {@code compat} says (see {@link ProbabilityCompat}). */
  public static double fromProbability(
      double label, double probability, ProbabilityCompat compat) {
    checkLabel(label);
    checkProbability("probability", probability);
    double logPositive;
    double logNegative;
    switch (compat.convention()) {
      case KERAS:
        double clipped = compat.clip(probability);
        logPositive = Math.log(clipped);
        // log(1 - p) via log1p: 1 - p rounds away the digits of small p.
        logNegative = Logistic.log1p(-clipped);
        break;
      case TORCH:
        logPositive = Math.max(Math.log(probability), -100.0);
        logNegative = Math.max(Logistic.log1p(-probability), -100.0);
        break;
      default:
        // sklearn and MLlib form the complement column 1 - p first, then clip each column.
        logPositive = Math.log(compat.clip(probability));
        logNegative = Math.log(compat.clip(1.0 - probability));
        break;
    }
    return weighted(label, -logPositive) + weighted(1.0 - label, -logNegative);
  }

  /**
   * Multi-label: the mean over the elements of {@link #fromLogit(double, double, double)} (Keras'
   * mean over the last axis). The elements are summed with compensation, so the mean keeps the
   * per-element bound.
   */
  public static double meanFromLogits(double[] labels, double[] logits, double labelSmoothing) {
    checkSameLength(labels.length, logits.length, "logits");
    CompensatedSum sum = new CompensatedSum();
    for (int i = 0; i < labels.length; i++) {
      sum.add(fromLogit(labels[i], logits[i], labelSmoothing));
    }
    return sum.high() / labels.length;
  }

  /** Multi-label from probabilities: the mean over the elements of {@link #fromProbability}. */
  public static double meanFromProbabilities(
      double[] labels, double[] probabilities, ProbabilityCompat compat) {
    checkSameLength(labels.length, probabilities.length, "probabilities");
    CompensatedSum sum = new CompensatedSum();
    for (int i = 0; i < labels.length; i++) {
      sum.add(fromProbability(labels[i], probabilities[i], compat));
    }
    return sum.high() / labels.length;
  }

  /**
   * {@code s * ((ah + al) * (bh + bl) + c)} for non-negative operands, with the inner value kept in
   * double-double and a single rounding at the end (the fused multiply-add).
   */
  private static double scaledProductPlus(
      double s, double ah, double al, double bh, double bl, double c) {
    double productHigh = ah * bh;
    double productLow = Math.fma(ah, bh, -productHigh) + (ah * bl + al * bh);
    double high = productHigh + c;
    double back = high - productHigh;
    double low = (productHigh - (high - back)) + (c - back) + productLow;
    return Math.fma(s, high, s * low);
  }

  /** The loss at an infinite logit: 0 if the infinite side has no weight, else +inf (or NaN). */
  private static double limitAtInfinity(double weightOfInfiniteSide) {
    return weightOfInfiniteSide == 0 ? 0.0 : weightOfInfiniteSide * Double.POSITIVE_INFINITY;
  }

  /** {@code coefficient * value} where a zero coefficient wins over an infinite value. */
  private static double weighted(double coefficient, double value) {
    return coefficient == 0 ? 0.0 : coefficient * value;
  }

  static void checkLabel(double label) {
    if (label < 0 || label > 1) {
      throw new InvalidInputException("label", label, "a number in [0, 1]");
    }
  }

  static void checkProbability(String argument, double probability) {
    if (probability < 0 || probability > 1) {
      throw new InvalidInputException(argument, probability, "a probability in [0, 1]");
    }
  }

  static void checkLabelSmoothing(double labelSmoothing) {
    if (labelSmoothing < 0 || labelSmoothing > 1) {
      throw new InvalidInputException("label_smoothing", labelSmoothing, "a number in [0, 1]");
    }
  }

  private static void checkGamma(double gamma) {
    if (gamma < 0 || gamma == Double.POSITIVE_INFINITY) {
      throw new InvalidInputException("gamma", gamma, "a finite number >= 0");
    }
  }

  static void checkSameLength(int labels, int predictions, String predictionArgument) {
    if (labels == 0) {
      throw new InvalidInputException("labels", "an empty array", "at least one element");
    }
    if (labels != predictions) {
      throw new InvalidInputException(
          predictionArgument,
          "an array of " + predictions + " elements",
          "as many elements as labels (" + labels + ")");
    }
  }
}
