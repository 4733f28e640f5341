package io.sparkxent.math;

/**
 * The logistic building blocks the losses share: an accurate {@code log1p} on the intrinsified
 * {@code Math.log}, and softplus.
 *
 * <p>Why not {@code Math.log1p}: on JDK 17 it is not intrinsified (it calls the fdlibm port), and
 * it costs several times {@code Math.exp + Math.log}, which HotSpot compiles to short machine-code
 * stubs accurate to well under 1 ulp.
 */
public final class Logistic {
  private Logistic() {}

  /**
   * {@code log(1 + v)} for {@code v >= -1}, within 2 ulp.
   *
   * <p>{@code u = 1 + v} is rounded, but its rounding error {@code c} is recovered exactly
   * (Fast2Sum), and {@code log(1 + v) = log(u + c) = log(u) + c/u} up to {@code (c/u)^2 / 2}, far
   * below an ulp. So tiny {@code v} keep all their digits, unlike {@code Math.log(1 + v)}.
   */
  public static double log1p(double v) {
    double u;
    double c;
    if (v <= 1) {
      u = 1.0 + v;
      c = v - (u - 1.0);
    } else {
      u = v + 1.0;
      c = 1.0 - (u - v);
    }
    // c == 0 covers v == -1 (log(0) = -inf, where c/u would be 0/0) and every exact 1 + v.
    return c == 0 ? Math.log(u) : Math.log(u) + c / u;
  }

  /**
   * {@code log(1 + exp(-t))} for {@code t >= 0} (so {@code softplus(-t)}): positive, at most
   * log 2, and accurate down to the subnormal range ({@code t = 700} gives 9.86e-305).
   */
  public static double softplusOfNegative(double t) {
    // log1p above, specialised to 0 < e <= 1: no branches on the hot path of every binary loss
    double e = Math.exp(-t);
    double u = 1.0 + e;
    double c = e - (u - 1.0);
    return Math.log(u) + c / u;
  }

  /**
   * {@code scale * exp(-t)} for {@code t >= 0} without passing through a subnormal: where {@code
   * exp(-t)} alone would be subnormal (t above 708) and keep only a few digits, a scale above 1
   * could lift the product back into normal range, so {@code exp(-t)} is taken as two normal halves.
   */
  public static double scaledExpOfNegative(double scale, double t) {
    double half = Math.exp(-0.5 * t);
    return (scale * half) * half;
  }

  /** {@code log(1 + exp(x))}, never overflowing: {@code max(x, 0) + log(1 + exp(-|x|))}. */
  public static double softplus(double x) {
    return x > 0 ? x + softplusOfNegative(x) : softplusOfNegative(-x);
  }
}
