package io.sparkxent.math;

import java.io.Serializable;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The aggregation state of a loss column: row count, exact sums of weights, of {@code w*loss}, of
 * {@code w*loss^2} and of {@code w^2}, and the extremes. A commutative monoid: {@link
 * #merge(LossState)} is associative and commutative with the empty state as identity, so partial
 * states computed per partition, per file or per day combine into exactly the state of all rows,
 * and every statistic is a correctly rounded function of that state.
 *
 * <p>Unweighted states count each row with weight 1 and keep no weight sums. An empty state (or
 * one whose weights sum to 0) gives NaN means, which the SQL functions return as NULL.
 */
public final class LossState implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean weighted;
  private final boolean spread;
  private long rows;
  private final ExactSum weightSum;
  private final ExactSum weightSquareSum;
  private final ExactSum lossSum;
  private final ExactSum lossSquareSum;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  /**
   * @param weighted whether rows carry weights ({@link #add(double, double)})
   * @param spread whether to keep the sums the standard deviation needs
   */
  public LossState(boolean weighted, boolean spread) {
    this.weighted = weighted;
    this.spread = spread;
    this.weightSum = weighted ? new ExactSum() : null;
    this.weightSquareSum = weighted && spread ? new ExactSum() : null;
    this.lossSum = new ExactSum();
    this.lossSquareSum = spread ? new ExactSum() : null;
  }

  /** Adds one unweighted row. */
  public void add(double loss) {
    rows++;
    lossSum.add(loss);
    if (spread) {
      lossSquareSum.addProduct(loss, loss);
    }
    min = Math.min(min, loss);
    max = Math.max(max, loss);
  }

  /** Adds one row of weight {@code weight}: finite and {@code >= 0}, as MLlib requires. */
  public void add(double loss, double weight) {
    checkWeight(weight);
    rows++;
    weightSum.add(weight);
    lossSum.addProduct(weight, loss);
    if (spread) {
      weightSquareSum.addProduct(weight, weight);
      lossSquareSum.addWeightedSquare(weight, loss);
    }
    min = Math.min(min, loss);
    max = Math.max(max, loss);
  }

  public static void checkWeight(double weight) {
    if (!(weight >= 0) || weight == Double.POSITIVE_INFINITY) {
      throw new InvalidInputException("weight", weight, "a finite number >= 0");
    }
  }

  /** Adds the rows of {@code other} (same kind of state) to this one; returns this. */
  public LossState merge(LossState other) {
    if (other.weighted != weighted || other.spread != spread) {
      throw new IllegalArgumentException("cannot merge " + describe() + " with " + other.describe());
    }
    rows += other.rows;
    lossSum.merge(other.lossSum);
    if (weighted) {
      weightSum.merge(other.weightSum);
    }
    if (spread) {
      lossSquareSum.merge(other.lossSquareSum);
      if (weighted) {
        weightSquareSum.merge(other.weightSquareSum);
      }
    }
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
    return this;
  }

  /** Whether the state keeps the sums of squares that {@link #stddev} needs. */
  public boolean hasSpread() {
    return spread;
  }

  public long rows() {
    return rows;
  }

  /** The correctly rounded sum of weights (the row count when unweighted). */
  public double weightSum() {
    return weighted ? weightSum.result() : rows;
  }

  /** The correctly rounded sum of {@code w*loss}. */
  public double sum() {
    return lossSum.result();
  }

  /** Sum over rows, correctly rounded (Keras SUM_OVER_BATCH_SIZE, PyTorch {@code mean}). */
  public double mean() {
    return lossSum.quotient(rows);
  }

  /**
   * {@code sum(w*loss) / sum(w)}, correctly rounded (sklearn and MLlib with weights); NaN when
   * the weights sum to 0. Unweighted, the plain mean.
   */
  public double weightedMean() {
    return weighted ? lossSum.quotient(weightSum) : mean();
  }

  /**
   * Sample standard deviation: unweighted {@code sum((x-mean)^2)/(n-1)}; weighted, with Kish's
   * effective sample size {@code (W^2 - V)} where {@code W = sum w, V = sum w^2}: {@code var =
   * (W*Q - S^2) / (W^2 - V)} with {@code S = sum w*x, Q = sum w*x^2}. Evaluated as one rational of
   * the exact sums and rounded once, so it cannot cancel and does not depend on row order. NaN
   * for fewer than two rows.
   */
  public double stddev() {
    requireSpread();
    if (!lossSum.isFinite() || !lossSquareSum.isFinite()) {
      return Double.NaN;
    }
    Rational w = weighted ? Rational.of(weightSum) : Rational.of(rows);
    Rational v = weighted ? Rational.of(weightSquareSum) : Rational.of(rows);
    Rational s = Rational.of(lossSum);
    Rational q = Rational.of(lossSquareSum);
    Rational numerator = w.times(q).minus(s.times(s));
    Rational denominator = w.times(w).minus(v);
    if (denominator.signum() <= 0) {
      return Double.NaN;
    }
    // tiny negative numerators cannot occur (exact arithmetic); guard against rounding none
    return Math.sqrt(numerator.dividedBy(denominator));
  }

  /** Standard error of the mean: {@code stddev / sqrt(n_eff)}, {@code n_eff = W^2 / V}. */
  public double standardError() {
    double stddev = stddev();
    double effectiveRows =
        weighted ? square(weightSum.result()) / weightSquareSum.result() : rows;
    return stddev / Math.sqrt(effectiveRows);
  }

  public double min() {
    return rows == 0 ? Double.NaN : min;
  }

  public double max() {
    return rows == 0 ? Double.NaN : max;
  }

  /** Canonical bytes: equal states give equal bytes. */
  public byte[] toBytes() {
    byte[][] sums = {bytes(weightSum), bytes(weightSquareSum), bytes(lossSum), bytes(lossSquareSum)};
    int size = 2 + 8 * 3;
    for (byte[] sum : sums) {
      size += 4 + sum.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(size);
    buffer.put((byte) (weighted ? 1 : 0)).put((byte) (spread ? 1 : 0));
    buffer.putLong(rows).putDouble(min).putDouble(max);
    for (byte[] sum : sums) {
      buffer.putInt(sum.length).put(sum);
    }
    return buffer.array();
  }

  /** The state of {@link #toBytes()}; bytes that are not one throw IllegalArgumentException. */
  public static LossState fromBytes(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    byte weighted = bytes.length < 2 ? -1 : buffer.get();
    byte spread = bytes.length < 2 ? -1 : buffer.get();
    if ((weighted & ~1) != 0 || (spread & ~1) != 0) {
      throw new IllegalArgumentException("not a loss state: " + bytes.length + " bytes");
    }
    try {
      LossState state = read(buffer, new LossState(weighted == 1, spread == 1));
      if (buffer.hasRemaining() || state.rows < 0) {
        throw new IllegalArgumentException("not a loss state: " + bytes.length + " bytes");
      }
      return state;
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) { // a short buffer, a negative length, a sum's own checks
      throw new IllegalArgumentException("not a loss state: " + bytes.length + " bytes", e);
    }
  }

  private static LossState read(ByteBuffer buffer, LossState state) {
    state.rows = buffer.getLong();
    state.min = buffer.getDouble();
    state.max = buffer.getDouble();
    readInto(buffer, state.weightSum);
    readInto(buffer, state.weightSquareSum);
    readInto(buffer, state.lossSum);
    readInto(buffer, state.lossSquareSum);
    return state;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LossState && Arrays.equals(toBytes(), ((LossState) other).toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }

  @Override
  public String toString() {
    return "LossState(rows=" + rows + ", weightSum=" + weightSum() + ", sum=" + sum() + ")";
  }

  /**
   * Java serialization writes the canonical bytes as a plain {@code byte[]}: Spark deserializes
   * aggregation buffers with a loader that cannot see classes from {@code --jars} or the
   * application jar, so the serialized form must be a JDK type. {@link #from(Object)} reads it
   * back.
   */
  private Object writeReplace() {
    return toBytes();
  }

  /** A state, or the {@code byte[]} a state was serialized to, as a state. */
  public static LossState from(Object stateOrBytes) {
    return stateOrBytes instanceof byte[] ? fromBytes((byte[]) stateOrBytes) : (LossState) stateOrBytes;
  }

  private String describe() {
    return (weighted ? "weighted" : "unweighted") + (spread ? " state with spread" : " state");
  }

  private void requireSpread() {
    if (!spread) {
      throw new IllegalStateException("this " + describe() + " keeps no squares");
    }
  }

  private static double square(double x) {
    return x * x;
  }

  private static byte[] bytes(ExactSum sum) {
    return sum == null ? new byte[0] : sum.toBytes();
  }

  private static void readInto(ByteBuffer buffer, ExactSum target) {
    byte[] bytes = new byte[buffer.getInt()];
    buffer.get(bytes);
    if (target != null) {
      target.merge(ExactSum.fromBytes(bytes));
    }
  }

  /** An exact rational {@code numerator * 2^scale / denominator}, for the variance formula. */
  private static final class Rational {
    private final BigInteger numerator;
    private final int scale;

    private Rational(BigInteger numerator, int scale) {
      this.numerator = numerator;
      this.scale = scale;
    }

    static Rational of(ExactSum sum) {
      return new Rational(sum.exactDigits(), sum.scale());
    }

    static Rational of(long count) {
      return new Rational(BigInteger.valueOf(count), 0);
    }

    Rational times(Rational other) {
      return new Rational(numerator.multiply(other.numerator), scale + other.scale);
    }

    Rational minus(Rational other) {
      int common = Math.min(scale, other.scale);
      return new Rational(
          numerator.shiftLeft(scale - common).subtract(other.numerator.shiftLeft(other.scale - common)),
          common);
    }

    int signum() {
      return numerator.signum();
    }

    double dividedBy(Rational other) {
      return CorrectRounding.quotient(numerator, other.numerator, scale - other.scale);
    }
  }
}
