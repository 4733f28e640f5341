package io.sparkxent.math;

/**
 * Neumaier's compensated sum: the rounding error of every addition is carried in a second double,
 * so the sum of a row's per-element losses is as accurate as its terms, whatever the row length.
 *
 * <p>Used inside one row (array losses), where it never escapes and the JIT keeps both fields in
 * registers. For sums across rows, which must not depend on order, see {@link ExactSum}.
 */
final class CompensatedSum {
  private double sum;
  private double compensation;

  void add(double value) {
    double t = sum + value;
    if (Math.abs(sum) >= Math.abs(value)) {
      compensation += (sum - t) + value;
    } else {
      compensation += (value - t) + sum;
    }
    sum = t;
  }

  /** The high part; {@code high() + low()} is the sum to about 2^-106 relative. */
  double high() {
    return sum + compensation;
  }

  double low() {
    double high = sum + compensation;
    return compensation - (high - sum);
  }
}
