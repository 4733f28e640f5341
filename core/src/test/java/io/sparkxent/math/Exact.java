package io.sparkxent.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Reference arithmetic for the tests: exp, log and friends in {@link BigDecimal} at 60 significant
 * digits, written from their series so that no double-precision library function is trusted.
 */
public final class Exact {
  public static final MathContext MC = new MathContext(60, RoundingMode.HALF_EVEN);
  private static final MathContext WORK = new MathContext(80, RoundingMode.HALF_EVEN);
  private static final BigDecimal TWO = BigDecimal.valueOf(2);
  public static final BigDecimal LN2 = atanhTimesTwo(BigDecimal.ONE.divide(BigDecimal.valueOf(3), WORK));

  private Exact() {}

  public static BigDecimal of(double value) {
    return new BigDecimal(value);
  }

  /** e^x for |x| up to a few thousand (beyond, doubles see 0 or infinity anyway). */
  public static BigDecimal exp(BigDecimal x) {
    BigDecimal n = x.divide(LN2, WORK).setScale(0, RoundingMode.HALF_EVEN);
    BigDecimal r = x.subtract(n.multiply(LN2), WORK);
    BigDecimal term = BigDecimal.ONE;
    BigDecimal sum = BigDecimal.ONE;
    for (int k = 1; k < 200; k++) {
      term = term.multiply(r, WORK).divide(BigDecimal.valueOf(k), WORK);
      sum = sum.add(term, WORK);
      if (term.signum() == 0 || term.abs().compareTo(sum.abs().scaleByPowerOfTen(-85)) < 0) {
        break;
      }
    }
    return sum.multiply(powerOfTwo(n.intValueExact()), WORK);
  }

  /** Natural log of a positive number: log(m * 2^e) = e ln2 + 2 atanh((m-1)/(m+1)). */
  public static BigDecimal log(BigDecimal y) {
    if (y.signum() <= 0) {
      throw new ArithmeticException("log of " + y);
    }
    int e = binaryExponent(y);
    BigDecimal m = y.multiply(powerOfTwo(-e));
    // m - 1 and m + 1 are exact, so log of a number near 1 keeps its relative accuracy.
    BigDecimal s = m.subtract(BigDecimal.ONE).divide(m.add(BigDecimal.ONE), WORK);
    return LN2.multiply(BigDecimal.valueOf(e)).add(atanhTimesTwo(s), WORK).round(MC);
  }

  /** {@code -sum p ln p} of class weights, {@code p = s_c / S} to 120 digits, ln to 60: a reference entropy. */
  public static BigDecimal entropy(java.util.Collection<BigDecimal> weights) {
    MathContext wide = new MathContext(120, RoundingMode.HALF_EVEN);
    BigDecimal total = weights.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal h = BigDecimal.ZERO;
    for (BigDecimal s : weights) {
      if (s.signum() > 0) {
        BigDecimal p = s.divide(total, wide);
        h = h.subtract(p.multiply(log(p)));
      }
    }
    return h;
  }

  /** log(1 + v), exact 1 + v first. */
  public static BigDecimal log1p(BigDecimal v) {
    return log(BigDecimal.ONE.add(v));
  }

  /** log(1 + e^t), any t (the exponential of a large argument is bounded away). */
  public static BigDecimal softplus(BigDecimal t) {
    if (t.signum() > 0) {
      return t.add(softplus(t.negate()), WORK);
    }
    if (t.compareTo(BigDecimal.valueOf(-5000)) < 0) {
      return BigDecimal.ZERO; // below 1e-2171: far under the smallest subnormal
    }
    return log1p(exp(t));
  }

  public static BigDecimal sigmoid(BigDecimal t) {
    if (t.compareTo(BigDecimal.valueOf(-5000)) < 0) {
      return BigDecimal.ZERO;
    }
    if (t.compareTo(BigDecimal.valueOf(5000)) > 0) {
      return BigDecimal.ONE;
    }
    return BigDecimal.ONE.divide(BigDecimal.ONE.add(exp(t.negate())), WORK);
  }

  /** The double nearest to {@code exact}, ties to even: searched, not trusted to doubleValue(). */
  public static double correctlyRounded(BigDecimal exact) {
    double guess = exact.doubleValue();
    if (Double.isInfinite(guess)) {
      // beyond the range: anything at or above MAX_VALUE + ulp/2 rounds to infinity
      BigDecimal limit = new BigDecimal(Double.MAX_VALUE).add(new BigDecimal(Math.ulp(Double.MAX_VALUE)).divide(BigDecimal.valueOf(2)));
      return exact.abs().compareTo(limit) >= 0 ? guess : Math.copySign(Double.MAX_VALUE, guess);
    }
    double best = guess;
    BigDecimal bestError = new BigDecimal(guess).subtract(exact).abs();
    for (double candidate : new double[] {Math.nextUp(guess), Math.nextDown(guess)}) {
      if (Double.isInfinite(candidate)) {
        continue;
      }
      BigDecimal error = new BigDecimal(candidate).subtract(exact).abs();
      int compare = error.compareTo(bestError);
      boolean even = (Double.doubleToRawLongBits(candidate) & 1) == 0;
      if (compare < 0 || (compare == 0 && even)) {
        best = candidate;
        bestError = error;
      }
    }
    return best == 0 ? 0.0 : best;
  }

  /** The distance from a computed double to an exact value, in ulps of the exact value. */
  public static double ulpError(double computed, BigDecimal exact) {
    double rounded = exact.doubleValue();
    if (Double.isInfinite(rounded)) {
      return Double.isInfinite(computed) && Math.signum(computed) == Math.signum(rounded)
          ? 0
          : Double.POSITIVE_INFINITY;
    }
    if (Double.isNaN(computed) || Double.isInfinite(computed)) {
      return Double.POSITIVE_INFINITY;
    }
    BigDecimal ulp = new BigDecimal(Math.ulp(rounded));
    return new BigDecimal(computed).subtract(exact).abs().divide(ulp, MC).doubleValue();
  }

  /** Asserts {@code computed} is within {@code ulps} of {@code exact}, naming the case. */
  public static void assertWithinUlps(double computed, BigDecimal exact, double ulps, String what) {
    double error = ulpError(computed, exact);
    assertThat(error)
        .as("%s: computed %s, exact %s, error %s ulp", what, computed, exact.round(new MathContext(20)), error)
        .isLessThanOrEqualTo(ulps);
  }

  private static BigDecimal atanhTimesTwo(BigDecimal s) {
    BigDecimal s2 = s.multiply(s, WORK);
    BigDecimal power = s;
    BigDecimal sum = BigDecimal.ZERO;
    for (int k = 0; k < 2000; k++) {
      BigDecimal term = power.divide(BigDecimal.valueOf(2L * k + 1), WORK);
      sum = sum.add(term, WORK);
      if (term.signum() == 0 || term.abs().compareTo(sum.abs().scaleByPowerOfTen(-85)) < 0) {
        break;
      }
      power = power.multiply(s2, WORK);
    }
    return sum.multiply(TWO);
  }

  private static BigDecimal powerOfTwo(int n) {
    return n >= 0 ? TWO.pow(n) : new BigDecimal("0.5").pow(-n);
  }

  /** e with y = m * 2^e and m in [0.75, 1.5). */
  private static int binaryExponent(BigDecimal y) {
    // log2(y) ~ (bits of the unscaled value) - scale * log2(10), refined exactly below.
    double estimate = y.unscaledValue().bitLength() - y.scale() * (Math.log(10) / Math.log(2));
    int e = (int) Math.floor(estimate);
    BigDecimal low = new BigDecimal("0.75");
    BigDecimal high = new BigDecimal("1.5");
    for (int i = 0; i < 10_000; i++) {
      BigDecimal m = y.multiply(powerOfTwo(-e));
      if (m.compareTo(low) < 0) {
        e--;
      } else if (m.compareTo(high) >= 0) {
        e++;
      } else {
        return e;
      }
    }
    throw new IllegalStateException("no exponent for " + y);
  }
}
