package io.sparkxent.math;

import java.math.BigInteger;

/** Rounds an exact rational to the nearest double, ties to even: the one rounding of every result. */
final class CorrectRounding {
  private CorrectRounding() {}

  /**
   * {@code numerator / denominator * 2^scale} rounded to the nearest double, ties to even:
   * one integer division at the precision of the result, then the remainder decides.
   */
  static double quotient(BigInteger numerator, BigInteger denominator, int scale) {
    int sign = numerator.signum() * denominator.signum();
    if (sign == 0) {
      return 0.0;
    }
    BigInteger a = numerator.abs();
    BigInteger b = denominator.abs();
    // a * 2^k / b lies in [2^53, 2^55) for this k
    int k = 54 - (a.bitLength() - b.bitLength());
    BigInteger probe = k >= 0 ? a.shiftLeft(k).divide(b) : a.divide(b.shiftLeft(-k));
    int ulpExponent = Math.max(scale - k + (probe.bitLength() - 53), -1074);
    int up = scale - ulpExponent;
    BigInteger scaledNumerator = up >= 0 ? a.shiftLeft(up) : a;
    BigInteger scaledDenominator = up >= 0 ? b : b.shiftLeft(-up);
    BigInteger[] division = scaledNumerator.divideAndRemainder(scaledDenominator);
    BigInteger quotient = division[0];
    int half = division[1].shiftLeft(1).compareTo(scaledDenominator);
    if (half > 0 || (half == 0 && quotient.testBit(0))) {
      quotient = quotient.add(BigInteger.ONE);
    }
    double magnitude = Math.scalb(quotient.doubleValue(), ulpExponent);
    return sign < 0 ? -magnitude : magnitude;
  }
}
