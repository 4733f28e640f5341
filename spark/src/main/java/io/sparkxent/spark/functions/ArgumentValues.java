package io.sparkxent.spark.functions;

import io.sparkxent.math.ProbabilityCompat;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.UserDefinedType;
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

  /** A dense copy of an MLlib vector in its SQL form (the UDT's row), or null. */
  static double[] vector(Object row) {
    if (row == null) {
      return null;
    }
    return vectorType().deserialize((InternalRow) row).toArray();
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

  @SuppressWarnings("unchecked")
  private static UserDefinedType<Vector> vectorType() {
    return (UserDefinedType<Vector>) SQLDataTypes.VectorType();
  }
}
