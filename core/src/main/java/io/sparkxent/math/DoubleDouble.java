package io.sparkxent.math;

/**
 * A double-double: the unevaluated sum {@code hi + lo} with {@code |lo| <= ulp(hi)/2}, about 106
 * bits of precision, with exact-product (FMA) and exact-sum (TwoSum) arithmetic, and exp and log
 * accurate to about 2^-80 (exp relative, log absolute): 27 bits beyond a double, so that raising
 * to a power gamma below 2^17 still leaves the result's error under 2^-60. (Below about 1e-282
 * the low part is subnormal and the precision falls gradually to that of a double.)
 *
 * <p>It serves the few losses whose error a double evaluation cannot bound: the focal factor
 * {@code (1-p_t)^gamma} multiplies the relative error of {@code 1-p_t} by gamma, so the focal loss
 * is evaluated here and rounded once.
 */
final class DoubleDouble {
  static final DoubleDouble ZERO = new DoubleDouble(0, 0);
  static final DoubleDouble ONE = new DoubleDouble(1, 0);
  /** ln 2 = 0.6931471805599453094172321214581766 as hi + lo. */
  private static final DoubleDouble LN2 = new DoubleDouble(0.6931471805599453, 2.3190468138462996e-17);
  /** exp(x) overflows beyond this, and is below half the smallest subnormal before -745.2. */
  private static final double EXP_MAX = 709.79;
  private static final double EXP_MIN = -745.2;
  /** 2^(j/64) for j = 0..63, to 106 bits (computed once by squaring-free Taylor series). */
  private static final DoubleDouble[] POWERS_OF_TWO = new DoubleDouble[64];
  /** ln2 / 64, exact scaling of LN2. */
  private static final DoubleDouble LN2_64 = new DoubleDouble(LN2.hi / 64, LN2.lo / 64);

  static {
    for (int j = 0; j < 64; j++) {
      POWERS_OF_TWO[j] = LN2_64.times(j).slowExp();
    }
  }

  final double hi;
  final double lo;

  private DoubleDouble(double hi, double lo) {
    this.hi = hi;
    this.lo = lo;
  }

  static DoubleDouble of(double value) {
    return new DoubleDouble(value, 0);
  }

  /** {@code a + b} exactly, normalised. */
  static DoubleDouble sum(double a, double b) {
    double s = a + b;
    double back = s - a;
    double error = (a - (s - back)) + (b - back);
    return normalised(s, error);
  }

  /** {@code a * b} exactly. */
  static DoubleDouble product(double a, double b) {
    double p = a * b;
    return normalised(p, Math.fma(a, b, -p));
  }

  double value() {
    return hi + lo;
  }

  DoubleDouble plus(DoubleDouble other) {
    double s = hi + other.hi;
    double back = s - hi;
    double error = (hi - (s - back)) + (other.hi - back) + lo + other.lo;
    return normalised(s, error);
  }

  DoubleDouble plus(double other) {
    return plus(of(other));
  }

  DoubleDouble negate() {
    return new DoubleDouble(-hi, -lo);
  }

  DoubleDouble times(DoubleDouble other) {
    double p = hi * other.hi;
    if (!Double.isFinite(p)) {
      return new DoubleDouble(p, 0);
    }
    double error = Math.fma(hi, other.hi, -p) + (hi * other.lo + lo * other.hi);
    return normalised(p, error);
  }

  DoubleDouble times(double other) {
    return times(of(other));
  }

  DoubleDouble dividedBy(DoubleDouble other) {
    double q1 = hi / other.hi;
    if (!Double.isFinite(q1) || q1 == 0) {
      return new DoubleDouble(q1, 0);
    }
    DoubleDouble residual = plus(other.times(q1).negate());
    double q2 = residual.hi / other.hi;
    residual = residual.plus(other.times(q2).negate());
    double q3 = residual.hi / other.hi;
    return normalised(q1, q2).plus(q3);
  }

  /**
   * e^this: with x = (64k + j) ln2/64 + r, |r| <= ln2/128, e^x = 2^k * 2^(j/64) * e^r; the terms
   * of e^r up to r^3/6 are summed in double-double and the rest (below 3.6e-11) in double, whose
   * rounding leaves about 2^-80.
   */
  DoubleDouble exp() {
    if (hi > EXP_MAX) {
      return of(Double.POSITIVE_INFINITY);
    }
    if (hi < EXP_MIN) {
      return ZERO;
    }
    double n = Math.rint(hi / LN2_64.hi);
    DoubleDouble r = plus(LN2_64.times(n).negate());
    double x = r.hi;
    double tail = x * x * x * x * (1.0 / 24 + x * (1.0 / 120 + x * (1.0 / 720
        + x * (1.0 / 5040 + x * (1.0 / 40320 + x * (1.0 / 362880))))));
    DoubleDouble square = r.times(r);
    DoubleDouble cubeSixth = square.times(r).dividedBy(of(6));
    DoubleDouble series = cubeSixth.plus(square.times(0.5)).plus(r).plus(tail).plus(1.0);
    int whole = (int) n;
    int j = Math.floorMod(whole, 64);
    int exponent = Math.floorDiv(whole, 64);
    DoubleDouble scaled = series.times(POWERS_OF_TWO[j]);
    // scale in two steps so that 2^exponent itself never overflows or underflows
    double half = Math.scalb(1.0, exponent / 2);
    double rest = Math.scalb(1.0, exponent - exponent / 2);
    return new DoubleDouble(scaled.hi * half * rest, scaled.lo * half * rest);
  }

  /** e^this for |this| < 1 by the plain Taylor series in double-double: the table's builder. */
  private DoubleDouble slowExp() {
    DoubleDouble term = ONE;
    DoubleDouble sum = ONE;
    for (int n = 1; n < 40; n++) {
      term = term.times(this).dividedBy(of(n));
      sum = sum.plus(term);
    }
    return sum;
  }

  /**
   * ln(this) for a positive value: split off the binary exponent, take Math.log of the mantissa,
   * then one Newton step {@code y + m*e^-y - 1}, which squares the error of Math.log.
   */
  DoubleDouble log() {
    int exponent = Math.getExponent(hi);
    if (exponent < Double.MIN_EXPONENT) { // subnormal hi: scale into the normal range first
      return times(Math.scalb(1.0, 600)).log().plus(LN2.times(-600));
    }
    DoubleDouble mantissa = new DoubleDouble(Math.scalb(hi, -exponent), Math.scalb(lo, -exponent));
    DoubleDouble y = of(Math.log(mantissa.hi));
    DoubleDouble step = mantissa.times(y.negate().exp()).plus(-1.0);
    return y.plus(step).plus(LN2.times(exponent));
  }

  /**
   * this^power for a non-negative base; 0^power is 0 (power > 0) or 1. Whole powers up to 16 (the
   * usual gamma of 2) multiply by squaring, any other takes e^(power * ln this).
   */
  DoubleDouble pow(double power) {
    if (power == 0) {
      return ONE;
    }
    if (hi == 0) {
      return ZERO;
    }
    if (power == Math.rint(power) && power <= 16) {
      DoubleDouble result = ONE;
      DoubleDouble square = this;
      for (int n = (int) power; n > 0; n >>= 1) {
        if ((n & 1) != 0) {
          result = result.times(square);
        }
        square = square.times(square);
      }
      return result;
    }
    return log().times(power).exp();
  }

  private static DoubleDouble normalised(double hi, double lo) {
    double s = hi + lo;
    if (!Double.isFinite(s)) {
      return new DoubleDouble(s, 0);
    }
    return new DoubleDouble(s, lo - (s - hi));
  }
}
