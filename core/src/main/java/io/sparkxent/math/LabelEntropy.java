package io.sparkxent.math;

import java.io.Serializable;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * The entropy of a (weighted) empirical label distribution, the denominator of normalized entropy
 * (He et al. 2014): the cross-entropy a model would get by always predicting the base rates. A
 * mergeable state of exact sums: the weight of each class (a class index, or an array position of
 * one-hot or soft labels; binary labels are classes 1 and 0 with weights {@code w*y} and {@code
 * w*(1-y)}) and the total, so the result has the same bits for any partitioning.
 *
 * <p>{@code H = -sum_c p_c ln p_c} with {@code p_c = s_c / S} and {@code 1 - p_c = (S - s_c) / S}
 * each correctly rounded from the exact sums; {@code ln p_c} is taken as {@code log1p(-(1 - p_c))}
 * when {@code p_c > 1/2}, so a class near certainty loses no digits; the nonnegative terms are summed
 * exactly. The result is within 8 ulp of the exact entropy of the exact sums.
 */
public final class LabelEntropy implements Serializable {
  private static final long serialVersionUID = 1L;

  private final TreeMap<Integer, ExactSum> classes = new TreeMap<>();
  private final ExactSum total = new ExactSum();

  /** A row of class {@code index} and weight {@code weight} (finite, {@code >= 0}). */
  public void addClass(double index, double weight) {
    if (!(index >= 0) || index != Math.rint(index) || index > Integer.MAX_VALUE) {
      throw new InvalidInputException("class index", index, "a whole number >= 0");
    }
    LossState.checkWeight(weight);
    classes.computeIfAbsent((int) index, key -> new ExactSum()).add(weight);
    total.add(weight);
  }

  /** A binary label {@code y} in [0, 1]: weight {@code w*y} to class 1, {@code w*(1-y)} to class 0. */
  public void addBinary(double label, double weight) {
    if (!(label >= 0 && label <= 1)) {
      throw new InvalidInputException("label", label, "a number in [0, 1]");
    }
    LossState.checkWeight(weight);
    classes.computeIfAbsent(1, key -> new ExactSum()).addProduct(weight, label);
    ExactSum negative = classes.computeIfAbsent(0, key -> new ExactSum());
    negative.add(weight);
    negative.addProduct(-weight, label); // w*(1-y) exactly, without rounding 1-y
    total.add(weight);
  }

  /** One-hot or soft labels (nonnegative): weight {@code w*y_c} to class c; the total is their sum. */
  public void addDistribution(double[] labels, double weight) {
    for (double label : labels) {
      if (!(label >= 0) || label == Double.POSITIVE_INFINITY) {
        throw new InvalidInputException("label", label, "a finite number >= 0 in every position");
      }
    }
    LossState.checkWeight(weight);
    for (int c = 0; c < labels.length; c++) {
      if (labels[c] != 0) {
        classes.computeIfAbsent(c, key -> new ExactSum()).addProduct(weight, labels[c]);
        total.addProduct(weight, labels[c]);
      }
    }
  }

  public LabelEntropy merge(LabelEntropy other) {
    for (Map.Entry<Integer, ExactSum> entry : other.classes.entrySet()) {
      classes.computeIfAbsent(entry.getKey(), key -> new ExactSum()).merge(entry.getValue());
    }
    total.merge(other.total);
    return this;
  }

  /** The entropy in nats; NaN when the total weight is 0 (no rows). */
  public double entropy() {
    BigInteger totalDigits = total.exactDigits();
    if (totalDigits.signum() <= 0) {
      return Double.NaN;
    }
    ExactSum terms = new ExactSum();
    for (ExactSum sum : classes.values()) {
      BigInteger digits = sum.exactDigits();
      if (digits.signum() <= 0) {
        continue; // a class of weight 0 adds 0 ln 0 = 0
      }
      int shift = total.scale() - sum.scale();
      double p = CorrectRounding.quotient(digits, totalDigits, -shift);
      // (S - s) / S with S and s on a common scale, exactly, then rounded once
      int common = Math.min(sum.scale(), total.scale());
      BigInteger rest = totalDigits.shiftLeft(total.scale() - common).subtract(digits.shiftLeft(sum.scale() - common));
      double q = rest.signum() == 0 ? 0 : CorrectRounding.quotient(rest, totalDigits.shiftLeft(total.scale() - common), 0);
      double log = p > 0.5 ? Math.log1p(-q) : Math.log(p);
      terms.add(-p * log);
    }
    return terms.result();
  }

  /** Canonical bytes (equal states, equal bytes); Spark carries the state as these. */
  public byte[] toBytes() {
    byte[][] sums = new byte[classes.size() + 1][];
    int size = 4;
    sums[0] = total.toBytes();
    int i = 1;
    for (ExactSum sum : classes.values()) {
      sums[i++] = sum.toBytes();
    }
    for (byte[] sum : sums) {
      size += 8 + sum.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(size).putInt(classes.size());
    buffer.putInt(0).putInt(sums[0].length).put(sums[0]);
    i = 1;
    for (Integer index : classes.keySet()) {
      buffer.putInt(index).putInt(sums[i].length).put(sums[i]);
      i++;
    }
    return buffer.array();
  }

  public static LabelEntropy fromBytes(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    LabelEntropy state = new LabelEntropy();
    int classes = buffer.getInt();
    buffer.getInt();
    state.total.merge(ExactSum.fromBytes(read(buffer)));
    for (int i = 0; i < classes; i++) {
      int index = buffer.getInt();
      state.classes.put(index, ExactSum.fromBytes(read(buffer)));
    }
    return state;
  }

  private static byte[] read(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.getInt()];
    buffer.get(bytes);
    return bytes;
  }

  /** Serialized as its bytes, a JDK type (see {@link LossState}'s note on Spark's class loader). */
  private Object writeReplace() {
    return toBytes();
  }

  /** A state, or the {@code byte[]} a state was serialized to, as a state. */
  public static LabelEntropy from(Object stateOrBytes) {
    return stateOrBytes instanceof byte[] ? fromBytes((byte[]) stateOrBytes) : (LabelEntropy) stateOrBytes;
  }
}
