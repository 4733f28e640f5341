package io.sparkxent.spark.functions;

import io.sparkxent.math.ProbabilityCompat;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Turns the values Spark passes to the generated {@code invoke} methods into what the kernels
 * take: {@code double[]} from arrays and MLlib vectors, a {@link ProbabilityCompat} from an epsilon
 * or a name. A NULL array, vector, element or name gives null, which the callers return as a NULL
 * loss; an invalid epsilon or name throws the kernels' {@code InvalidInputException}.
 */
final class ArgumentValues {
  private static final UTF8String[] COMPAT_NAMES = ProbabilityCompat.COMPAT_NAMES.stream()
      .map(UTF8String::fromString).toArray(UTF8String[]::new);
  private static final ProbabilityCompat[] COMPATS = ProbabilityCompat.COMPAT_NAMES.stream()
      .map(ProbabilityCompat::named).toArray(ProbabilityCompat[]::new);

  private ArgumentValues() {}

  /** The elements as doubles (Spark has cast them already), or null if any is NULL. */
  static double[] doubles(ArrayData array) {
    if (array == null) {
      return null;
    }
    int n = array.numElements();
    for (int i = 0; i < n; i++) {
      if (array.isNullAt(i)) {
        return null;
      }
    }
    return array.toDoubleArray();
  }

  /**
   * A dense copy of an MLlib vector in its SQL form (the UDT's row: type 0 sparse or 1 dense,
   * size, indices, values), or null. Read from the row directly: deserializing builds a Vector
   * per row only to copy its values again.
   */
  static double[] vector(Object value) {
    if (value == null) {
      return null;
    }
    InternalRow row = (InternalRow) value;
    double[] values = row.getArray(3).toDoubleArray();
    if (row.getByte(0) == 1) {
      return values;
    }
    double[] dense = new double[row.getInt(1)];
    int[] indices = row.getArray(2).toIntArray();
    for (int i = 0; i < indices.length; i++) {
      dense[indices[i]] = values[i];
    }
    return dense;
  }

  /** The compat per row, or null for NULL; the lower-case names are matched without a String. */
  static ProbabilityCompat compat(UTF8String name) {
    if (name == null) {
      return null;
    }
    for (int i = 0; i < COMPAT_NAMES.length; i++) {
      if (name.equals(COMPAT_NAMES[i])) {
        return COMPATS[i];
      }
    }
    return ProbabilityCompat.named(name.toString());
  }

  /** Keras clipping with this epsilon; one outside [0, 0.5) is invalid. */
  static ProbabilityCompat epsilon(double epsilon) {
    return ProbabilityCompat.keras(epsilon);
  }
}
