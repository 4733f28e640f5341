package io.sparkxent.math;

import static io.sparkxent.math.Exact.of;

import java.math.BigDecimal;
import java.math.MathContext;

/** The losses' definitions evaluated in {@link Exact} arithmetic: what the kernels must match. */
public final class ExactLosses {
  private static final MathContext MC = Exact.MC;
  private static final BigDecimal ONE = BigDecimal.ONE;
  private static final BigDecimal HALF = new BigDecimal("0.5");

  private ExactLosses() {}

  /** z' softplus(-x) + (1 - z') softplus(x), z' = z (1 - ls) + ls / 2. */
  public static BigDecimal bceLogit(double label, double logit, double labelSmoothing) {
    BigDecimal ls = of(labelSmoothing);
    BigDecimal z = of(label).multiply(ONE.subtract(ls)).add(ls.multiply(HALF));
    BigDecimal x = of(logit);
    return weightedSum(z, Exact.softplus(x.negate()), ONE.subtract(z), Exact.softplus(x));
  }

  public static BigDecimal weightedBceLogit(double label, double logit, double positiveWeight) {
    BigDecimal z = of(label);
    BigDecimal x = of(logit);
    return weightedSum(
        of(positiveWeight).multiply(z), Exact.softplus(x.negate()), ONE.subtract(z), Exact.softplus(x));
  }

  public static BigDecimal focalBceLogit(double label, double logit, double gamma, Double alpha) {
    BigDecimal z = of(label);
    BigDecimal x = of(logit);
    BigDecimal missed =
        z.multiply(Exact.sigmoid(x.negate())).add(ONE.subtract(z).multiply(Exact.sigmoid(x)), MC);
    BigDecimal bce = bceLogit(label, logit, 0);
    if (bce.signum() == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal factor =
        missed.signum() == 0 ? (gamma == 0 ? ONE : BigDecimal.ZERO) : Exact.exp(Exact.log(missed).multiply(of(gamma)));
    BigDecimal loss = factor.multiply(bce, MC);
    if (alpha != null) {
      BigDecimal a = of(alpha);
      loss = loss.multiply(a.multiply(z).add(ONE.subtract(a).multiply(ONE.subtract(z))), MC);
    }
    return loss;
  }

  /** -(z log(p) + (1-z) log(q)) for the clipped probability p and its complement q. */
  public static BigDecimal bceProbability(double label, double probability, ProbabilityCompat compat) {
    BigDecimal z = of(label);
    BigDecimal eps = of(compat.epsilon());
    BigDecimal upper = of(1.0 - compat.epsilon());
    BigDecimal p = of(probability);
    BigDecimal logP;
    BigDecimal logQ;
    switch (compat.convention()) {
      case KERAS:
        BigDecimal clipped = clip(p, eps, upper);
        logP = Exact.log(clipped);
        logQ = Exact.log(ONE.subtract(clipped));
        break;
      case TORCH:
        BigDecimal floor = BigDecimal.valueOf(-100);
        logP = p.signum() == 0 ? floor : Exact.log(p).max(floor);
        logQ = p.compareTo(ONE) == 0 ? floor : Exact.log(ONE.subtract(p)).max(floor);
        break;
      default:
        // the complement column is the double 1 - p, as sklearn and MLlib form it
        logP = Exact.log(clip(p, eps, upper));
        logQ = Exact.log(clip(of(1.0 - probability), eps, upper));
    }
    return weightedSum(z, logP.negate(), ONE.subtract(z), logQ.negate());
  }

  /** sum_k y_k (logsumexp(x) - x_k) with Keras smoothing. */
  public static BigDecimal cceLogits(double[] labels, double[] logits, double labelSmoothing) {
    int classes = logits.length;
    BigDecimal ls = of(labelSmoothing);
    BigDecimal spread = ls.divide(BigDecimal.valueOf(classes), MC);
    double top = maxOf(logits);
    BigDecimal max = of(top);
    // log(sum exp(x - max)) = log1p(sum of the others), summed exactly: 1 + 1e-116 must not round
    BigDecimal others = BigDecimal.ZERO;
    boolean topSeen = false;
    for (double logit : logits) {
      if (logit == top && !topSeen) {
        topSeen = true;
      } else {
        BigDecimal exponent = of(logit).subtract(max);
        if (exponent.compareTo(BigDecimal.valueOf(-5000)) > 0) {
          others = others.add(Exact.exp(exponent));
        }
      }
    }
    BigDecimal logPartition = Exact.log1p(others);
    BigDecimal loss = BigDecimal.ZERO;
    for (int k = 0; k < classes; k++) {
      BigDecimal y = of(labels[k]).multiply(ONE.subtract(ls)).add(spread);
      loss = loss.add(y.multiply(max.subtract(of(logits[k])).add(logPartition)), MC);
    }
    return loss;
  }

  public static BigDecimal cceProbabilities(
      double[] labels, double[] probabilities, ProbabilityCompat compat) {
    BigDecimal sum = BigDecimal.ZERO;
    for (double p : probabilities) {
      sum = sum.add(of(p));
    }
    BigDecimal eps = of(compat.epsilon());
    BigDecimal upper = of(1.0 - compat.epsilon());
    BigDecimal loss = BigDecimal.ZERO;
    for (int k = 0; k < labels.length; k++) {
      if (labels[k] == 0) {
        continue;
      }
      BigDecimal p = of(probabilities[k]);
      if (compat.convention() == ProbabilityCompat.Convention.KERAS) {
        // Keras clips the rounded share; the log is of the exact share unless it was clipped.
        double share = probabilities[k] / sum.doubleValue();
        p = share <= compat.epsilon() || share >= 1.0 - compat.epsilon()
            ? clip(of(share), eps, upper)
            : p.divide(sum, MC);
      } else if (compat.convention() != ProbabilityCompat.Convention.TORCH) {
        p = clip(p, eps, upper);
      }
      loss = loss.subtract(of(labels[k]).multiply(Exact.log(p)), MC);
    }
    return loss;
  }

  private static BigDecimal weightedSum(BigDecimal a, BigDecimal x, BigDecimal b, BigDecimal y) {
    BigDecimal first = a.signum() == 0 ? BigDecimal.ZERO : a.multiply(x);
    BigDecimal second = b.signum() == 0 ? BigDecimal.ZERO : b.multiply(y);
    return first.add(second, MC);
  }

  private static BigDecimal clip(BigDecimal p, BigDecimal low, BigDecimal high) {
    return p.max(low).min(high);
  }

  private static double maxOf(double[] values) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      max = Math.max(max, v);
    }
    return max;
  }
}
