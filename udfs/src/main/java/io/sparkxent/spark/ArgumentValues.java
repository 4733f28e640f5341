package io.sparkxent.spark;

import io.sparkxent.math.InvalidInputException;
import io.sparkxent.math.ProbabilityCompat;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.UserDefinedType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Turns the values Spark passes to {@code invoke} (and to Java UDFs) into what the kernels take:
 * {@code double[]} from arrays and MLlib vectors, a {@link ProbabilityCompat} from its name. A
 * NULL array, vector or element gives null, which the callers return as a NULL loss.
 */
final class ArgumentValues {
  private static final UTF8String KERAS = UTF8String.fromString("keras");
  private static final UTF8String SKLEARN = UTF8String.fromString("sklearn");
  private static final UTF8String SPARK_MLLIB = UTF8String.fromString("spark_mllib");
  private static final UTF8String TORCH = UTF8String.fromString("torch");

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

  /**
   * The compat name per row, or null for NULL; the common lower-case names are matched without
   * making a String. An unknown name is an error naming {@code function}.
   */
  static ProbabilityCompat compat(UTF8String name, String function) {
    if (name == null) {
      return null;
    }
    if (name.equals(KERAS)) {
      return ProbabilityCompat.KERAS;
    }
    if (name.equals(SKLEARN)) {
      return ProbabilityCompat.SKLEARN;
    }
    if (name.equals(SPARK_MLLIB)) {
      return ProbabilityCompat.SPARK_MLLIB;
    }
    if (name.equals(TORCH)) {
      return ProbabilityCompat.TORCH;
    }
    try {
      return ProbabilityCompat.named(name.toString());
    } catch (InvalidInputException e) {
      throw e.inFunction(function);
    }
  }

  /** Keras clipping with this epsilon; one outside [0, 0.5) is an error naming {@code function}. */
  static ProbabilityCompat epsilon(double epsilon, String function) {
    try {
      return ProbabilityCompat.keras(epsilon);
    } catch (InvalidInputException e) {
      throw e.inFunction(function);
    }
  }

  /** A Java UDF's number argument (any boxed numeric type: UDFs get no implicit casts). */
  static Double number(Object value) {
    return value == null ? null : ((Number) value).doubleValue();
  }

  /** A Java UDF's array argument: a Scala sequence of numbers or an MLlib vector. */
  static double[] udfDoubles(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Vector) {
      return ((Vector) value).toArray();
    }
    scala.collection.Seq<?> sequence = (scala.collection.Seq<?>) value;
    double[] result = new double[sequence.length()];
    for (int i = 0; i < result.length; i++) {
      Object element = sequence.apply(i);
      if (element == null) {
        return null;
      }
      result[i] = ((Number) element).doubleValue();
    }
    return result;
  }

  @SuppressWarnings("unchecked")
  private static UserDefinedType<Vector> vectorType() {
    return (UserDefinedType<Vector>) SQLDataTypes.VectorType();
  }
}
