package io.sparkxent.math;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An exact sum of doubles and of products of doubles: a superaccumulator (after Neal, "Fast exact
 * summation using small and large superaccumulators", 2015) of 32-bit digits held in 64-bit
 * longs, so carries can be deferred for 2^30 additions.
 *
 * <p>Adding finite values in any order and merging partial sums in any tree gives the same state,
 * and {@link #result()} is the correctly rounded (half-even) value of the exact real sum, so a
 * mean over a table has the same bits for every partitioning and row order. Products {@code w*x}
 * and {@code w*x*x} enter exactly, as integer products of the significands. Infinities and NaN
 * follow IEEE: NaN present, or both infinities, gives NaN; one infinity gives it; an exact sum
 * beyond the double range rounds to an infinity.
 *
 * <p>Only the digits a sum has touched are stored (a window that grows as needed), so a state is a
 * few dozen bytes for typical losses; {@link #toBytes()} is canonical: equal sums, equal bytes.
 */
public final class ExactSum {
  /** Bit 0 of digit 0 weighs 2^-BIAS: below the smallest w*x*x of doubles, 2^-3222. */
  private static final int BIAS = 3264;

  private static final long DIGIT_MASK = 0xFFFF_FFFFL;
  private static final long SIGNIFICAND_MASK = (1L << 52) - 1;
  private static final long HIDDEN_BIT = 1L << 52;
  /** Each addition moves a digit by less than 2^32; a long holds 2^31 of them. */
  private static final int ADDITIONS_BETWEEN_CARRIES = 1 << 30;

  private static final byte HAS_NAN = 1;
  private static final byte HAS_POSITIVE_INFINITY = 2;
  private static final byte HAS_NEGATIVE_INFINITY = 4;

  /** digits[i] weighs 2^(32 * (base + i) - BIAS). */
  private long[] digits = new long[0];
  private int base;
  private int additionsSinceCarry;
  private byte specials;

  public ExactSum() {}

  /** A copy that evolves independently. */
  public ExactSum copy() {
    ExactSum copy = new ExactSum();
    copy.digits = digits.clone();
    copy.base = base;
    copy.additionsSinceCarry = additionsSinceCarry;
    copy.specials = specials;
    return copy;
  }

  /** Adds {@code x} exactly. */
  public void add(double x) {
    long bits = Double.doubleToRawLongBits(x);
    int exponent = (int) (bits >>> 52) & 0x7FF;
    long significand = bits & SIGNIFICAND_MASK;
    if (exponent == 0x7FF) {
      addSpecial(x);
      return;
    }
    if (exponent == 0) {
      if (significand == 0) {
        return;
      }
      exponent = 1;
    } else {
      significand |= HIDDEN_BIT;
    }
    // A 53-bit significand shifted by up to 31 bits spans three digits; add them branch-free,
    // negating with the sign mask (x ^ s) - s, s = 0 or -1.
    int position = exponent - 1075 + BIAS;
    int digit = position >> 5;
    int shift = position & 31;
    long low = significand << shift;
    long high = (significand >>> 1) >>> (63 - shift);
    if (digit < base || digit + 3 > base + digits.length) {
      ensureDigits(digit, digit + 3);
    }
    long sign = bits >> 63;
    int i = digit - base;
    digits[i] += ((low & DIGIT_MASK) ^ sign) - sign;
    digits[i + 1] += ((low >>> 32) ^ sign) - sign;
    digits[i + 2] += (high ^ sign) - sign;
    if (++additionsSinceCarry >= ADDITIONS_BETWEEN_CARRIES) {
      carry();
    }
  }

  /** Adds the exact product {@code a * b} (its 106-bit significand, not the rounded double). */
  public void addProduct(double a, double b) {
    if (!Double.isFinite(a) || !Double.isFinite(b)) {
      addSpecial(a * b);
      return;
    }
    long sa = significand(a);
    long sb = significand(b);
    if (sa == 0 || sb == 0) {
      return;
    }
    int position = unbiasedExponent(a) + unbiasedExponent(b) + BIAS;
    addMagnitude(Math.multiplyHigh(sa, sb), sa * sb, position, (a < 0) != (b < 0));
  }

  /** Adds the exact product {@code w * x * x}: x*x is split into two 53-bit halves. */
  public void addWeightedSquare(double w, double x) {
    if (!Double.isFinite(w) || !Double.isFinite(x)) {
      addSpecial(w * x * x);
      return;
    }
    long sw = significand(w);
    long sx = significand(x);
    if (sw == 0 || sx == 0) {
      return;
    }
    long squareHigh = Math.multiplyHigh(sx, sx);
    long squareLow = sx * sx;
    // sx^2 < 2^106 = upper * 2^53 + lower, each half below 2^53
    long upper = (squareHigh << 11) | (squareLow >>> 53);
    long lower = squareLow & ((1L << 53) - 1);
    int position = unbiasedExponent(w) + 2 * unbiasedExponent(x) + BIAS;
    boolean negative = w < 0;
    addMagnitude(Math.multiplyHigh(sw, lower), sw * lower, position, negative);
    addMagnitude(Math.multiplyHigh(sw, upper), sw * upper, position + 53, negative);
  }

  /** Adds another sum into this one (the other is left as it was). */
  public void merge(ExactSum other) {
    specials |= other.specials;
    if (other.digits.length == 0) {
      return;
    }
    carry();
    ExactSum addend = other.additionsSinceCarry == 0 ? other : other.copy();
    addend.carry();
    int low = addend.base;
    int high = addend.base + addend.digits.length;
    ensureDigits(low, high);
    for (int i = 0; i < addend.digits.length; i++) {
      digits[low - base + i] += addend.digits[i];
    }
    additionsSinceCarry = 1;
    carry();
  }

  /** The correctly rounded value of the exact sum. */
  public double result() {
    if (specials != 0) {
      return specialResult();
    }
    return CorrectRounding.quotient(exactDigits(), BigInteger.ONE, scale());
  }

  /** The correctly rounded value of the exact sum divided by {@code count} (NaN for 0). */
  public double quotient(long count) {
    if (specials != 0) {
      return specialResult();
    }
    if (count == 0) {
      return Double.NaN;
    }
    return CorrectRounding.quotient(exactDigits(), BigInteger.valueOf(count), scale());
  }

  /** The correctly rounded value of this exact sum divided by another (NaN for 0 / 0). */
  public double quotient(ExactSum denominator) {
    if (specials != 0 || denominator.specials != 0) {
      return result() / denominator.result();
    }
    BigInteger divisor = denominator.exactDigits();
    if (divisor.signum() == 0) {
      return result() / 0.0;
    }
    return CorrectRounding.quotient(exactDigits(), divisor, scale() - denominator.scale());
  }

  /** Canonical bytes: equal sums (and equal infinity/NaN flags) give equal bytes. */
  public byte[] toBytes() {
    carry();
    int[] window = canonicalWindow();
    int low = window[0];
    int high = window[1];
    ByteBuffer buffer = ByteBuffer.allocate(1 + 4 + 4 + 4 * (high - low));
    buffer.put(specials).putInt(high == low ? 0 : base + low).putInt(high - low);
    for (int i = low; i < high; i++) {
      buffer.putInt((int) digits[i]);
    }
    return buffer.array();
  }

  /** The sum {@link #toBytes()} wrote. */
  public static ExactSum fromBytes(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    ExactSum sum = new ExactSum();
    sum.specials = buffer.get();
    sum.base = buffer.getInt();
    int length = buffer.getInt();
    sum.digits = new long[length];
    for (int i = 0; i < length; i++) {
      int digit = buffer.getInt();
      // every digit is unsigned but the top one, which carries the sign
      sum.digits[i] = i == length - 1 ? digit : digit & DIGIT_MASK;
    }
    return sum;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ExactSum && Arrays.equals(toBytes(), ((ExactSum) other).toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }

  @Override
  public String toString() {
    return "ExactSum(" + result() + ")";
  }

  private void addSpecial(double value) {
    if (Double.isNaN(value)) {
      specials |= HAS_NAN;
    } else if (value > 0) {
      specials |= HAS_POSITIVE_INFINITY;
    } else if (value < 0) {
      specials |= HAS_NEGATIVE_INFINITY;
    }
  }

  boolean isFinite() {
    return specials == 0;
  }

  private double specialResult() {
    if ((specials & HAS_NAN) != 0
        || (specials & (HAS_POSITIVE_INFINITY | HAS_NEGATIVE_INFINITY))
            == (HAS_POSITIVE_INFINITY | HAS_NEGATIVE_INFINITY)) {
      return Double.NaN;
    }
    return (specials & HAS_POSITIVE_INFINITY) != 0
        ? Double.POSITIVE_INFINITY
        : Double.NEGATIVE_INFINITY;
  }

  /** The magnitude {@code high * 2^64 + low} (low unsigned) times 2^(position - BIAS). */
  private void addMagnitude(long high, long low, int position, boolean negative) {
    int digit = position >> 5;
    int shift = position & 31;
    long shifted0 = low << shift;
    long shifted1 = shift == 0 ? high : (high << shift) | (low >>> (64 - shift));
    long shifted2 = shift == 0 ? 0 : high >>> (64 - shift);
    int top = shifted2 != 0 ? 5 : shifted1 != 0 ? 4 : 2;
    if (digit < base || digit + top > base + digits.length) {
      ensureDigits(digit, digit + top);
    }
    int i = digit - base;
    long d0 = shifted0 & DIGIT_MASK;
    long d1 = shifted0 >>> 32;
    if (negative) {
      digits[i] -= d0;
      digits[i + 1] -= d1;
    } else {
      digits[i] += d0;
      digits[i + 1] += d1;
    }
    if (top > 2) {
      long d2 = shifted1 & DIGIT_MASK;
      long d3 = shifted1 >>> 32;
      if (negative) {
        digits[i + 2] -= d2;
        digits[i + 3] -= d3;
      } else {
        digits[i + 2] += d2;
        digits[i + 3] += d3;
      }
      if (top > 4) {
        digits[i + 4] += negative ? -shifted2 : shifted2;
      }
    }
    if (++additionsSinceCarry >= ADDITIONS_BETWEEN_CARRIES) {
      carry();
    }
  }

  /** Grows the window to cover digits [low, high) plus room for carries above. */
  private void ensureDigits(int low, int high) {
    if (digits.length == 0) {
      base = low;
      digits = new long[high - low + 2];
      return;
    }
    int newBase = Math.min(base, low);
    int newEnd = Math.max(base + digits.length, high + 2);
    if (newBase == base && newEnd == base + digits.length) {
      return;
    }
    long[] grown = new long[newEnd - newBase];
    System.arraycopy(digits, 0, grown, base - newBase, digits.length);
    digits = grown;
    base = newBase;
  }

  /** Propagates carries: every digit but the top one in [0, 2^32), the top one in [-2^31, 2^31). */
  private void carry() {
    if (additionsSinceCarry == 0) {
      return;
    }
    additionsSinceCarry = 0;
    int last = digits.length - 1;
    for (int i = 0; i < last; i++) {
      long carry = digits[i] >> 32;
      digits[i] -= carry << 32;
      digits[i + 1] += carry;
    }
    if (last >= 0 && (digits[last] >= (1L << 31) || digits[last] < -(1L << 31))) {
      // one more digit takes the top's carry (|top| < 2^63, so its carry is below 2^31)
      digits = Arrays.copyOf(digits, digits.length + 1);
      for (int i = last; i < digits.length - 1; i++) {
        long carry = digits[i] >> 32;
        digits[i] -= carry << 32;
        digits[i + 1] += carry;
      }
    }
  }

  /** [low, high) of the digits that matter: no zero digits below, no redundant sign digits above. */
  private int[] canonicalWindow() {
    int low = 0;
    int high = digits.length;
    while (high > 0) {
      long top = digits[high - 1];
      long below = high >= 2 ? digits[high - 2] : 0;
      if (top == 0 && (high == 1 || below < (1L << 31))) {
        if (high >= 2) {
          high--;
          continue;
        }
        high = 0;
        break;
      }
      if (top == -1 && high >= 2 && below >= (1L << 31)) {
        digits[high - 2] = below - (1L << 32);
        digits[high - 1] = 0;
        high--;
        continue;
      }
      break;
    }
    while (low < high && digits[low] == 0) {
      low++;
    }
    return new int[] {low, high};
  }

  /** The exact sum as an integer N, the value being N * 2^scale(); finite sums only. */
  BigInteger exactDigits() {
    carry();
    BigInteger value = BigInteger.ZERO;
    for (int i = digits.length - 1; i >= 0; i--) {
      value = value.shiftLeft(32).add(BigInteger.valueOf(digits[i]));
    }
    return value;
  }

  int scale() {
    return 32 * base - BIAS;
  }

  private static long significand(double x) {
    long bits = Double.doubleToRawLongBits(x);
    long fraction = bits & SIGNIFICAND_MASK;
    return ((bits >>> 52) & 0x7FF) == 0 ? fraction : fraction | HIDDEN_BIT;
  }

  /** The exponent of the significand's last bit: x = significand(x) * 2^unbiasedExponent(x). */
  private static int unbiasedExponent(double x) {
    int exponent = (int) (Double.doubleToRawLongBits(x) >>> 52) & 0x7FF;
    return Math.max(exponent, 1) - 1075;
  }
}
