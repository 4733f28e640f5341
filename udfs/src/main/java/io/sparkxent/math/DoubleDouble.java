package io.sparkxent.math;

/**
 * A double-double: the unevaluated sum {@code hi + lo} with {@code |lo| <= ulp(hi)/2}, about 106
 * bits of precision, with exact-product (FMA) and exact-sum (TwoSum) arithmetic, and exp and log
 * accurate to about 2^-100 relative.
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
  private static final int SQUARINGS = 10;
  private static final int TERMS = 8;
  /** 1/n for the Taylor coefficients, each to 106 bits (a rounded 1/n would cost 53 of them). */
  private static final DoubleDouble[] RECIPROCALS = new DoubleDouble[TERMS + 1];

  static {
    for (int n = 1; n <= TERMS; n++) {
      RECIPROCALS[n] = new DoubleDouble(1, 0).dividedBy(new DoubleDouble(n, 0));
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
   * e^this: e^x = 2^k * (e^(r/1024))^1024 with r = x - k ln2 in [-ln2/2, ln2/2]; the Taylor
   * series of e^(r/1024) is below 2^-107 after eight terms, and the ten squarings cost about ten
   * bits of the 106.
   */
  DoubleDouble exp() {
    if (hi > EXP_MAX) {
      return of(Double.POSITIVE_INFINITY);
    }
    if (hi < EXP_MIN) {
      return ZERO;
    }
    double k = Math.rint(hi / LN2.hi);
    DoubleDouble s = plus(LN2.times(k).negate()).times(1.0 / (1 << SQUARINGS));
    DoubleDouble series = ONE;
    for (int n = TERMS; n >= 1; n--) {
      series = ONE.plus(s.times(series).times(RECIPROCALS[n]));
    }
    for (int i = 0; i < SQUARINGS; i++) {
      series = series.times(series);
    }
    int exponent = (int) k;
    // scale in two steps so that 2^exponent itself never overflows or underflows
    double half = Math.scalb(1.0, exponent / 2);
    double rest = Math.scalb(1.0, exponent - exponent / 2);
    return new DoubleDouble(series.hi * half * rest, series.lo * half * rest);
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
