package io.sparkxent.spark;

import static io.sparkxent.spark.LossBound.orNull;
import static io.sparkxent.spark.ArgumentValues.compat;
import static io.sparkxent.spark.ArgumentValues.doubles;
import static io.sparkxent.spark.ArgumentValues.epsilon;
import static io.sparkxent.spark.ArgumentValues.udfDoubles;
import static io.sparkxent.spark.ArgumentValues.vector;

import io.sparkxent.math.CategoricalCrossEntropy;
import io.sparkxent.math.InvalidInputException;
import io.sparkxent.math.ProbabilityCompat;
import java.util.List;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * {@code cce}: categorical cross-entropy from class probabilities with dense labels. By default as
 * Keras: divided by the row sum, clipped to {@code [1e-7, 1-1e-7]}; {@code 'sklearn'} and {@code
 * 'spark_mllib'} clip without renormalising, {@code 'torch'} takes the log as given.
 *
 * <p>{@code SELECT cce(one_hot, probability, 'sklearn') FROM scored}
 */
public final class CceFunction extends LossFunction {
  public static final String NAME = "cce";

  public CceFunction() {
    super(
        NAME,
        "categorical cross-entropy -sum_k y_k*log(p_k) of class probabilities p (an array or MLlib"
            + " vector): Keras by default (renormalised by the row sum, clipped to [eps, 1-eps],"
            + " eps 1e-7 unless given), or compat " + ProbabilityCompat.NAMES + ". Within 4 ulp"
            + " of the exact value.",
        List.of(
            "labels:array|vector, probabilities:array|vector",
            "labels:array|vector, probabilities:array|vector, epsilon:number",
            "labels:array|vector, probabilities:array|vector, compat:text"),
        Strict::new,
        OrNull::new);
  }

  @Override
  public String examples() {
    return "\n    Examples:\n"
        + "      > SELECT _FUNC_(array(0, 1, 0), array(0.1, 0.8, 0.1));\n       0.22314355131420976\n"
        + "      > SELECT _FUNC_(array(0, 1), array(0.2, 0.2));\n       0.6931471805599453\n"
        + "      > SELECT _FUNC_(array(0, 1), array(0.2, 0.2), 'sklearn');\n       1.6094379124341003\n"
        + "  ";
  }

  @Override
  public Class<?> javaUdfClass() {
    return Udf.class;
  }

  /** ANSI mode: invalid input raises an error naming the function, argument and value. */
  public static final class Strict extends LossBound {
    Strict(DataType[] inputTypes, boolean resultNullable) {
      super(NAME, true, inputTypes, resultNullable);
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, ArrayData probabilities) {
      return lossOf(doubles(labels), doubles(probabilities), ProbabilityCompat.KERAS);
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData probabilities) {
      return lossOf(vector(labels), doubles(probabilities), ProbabilityCompat.KERAS);
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object probabilities) {
      return lossOf(doubles(labels), vector(probabilities), ProbabilityCompat.KERAS);
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object probabilities) {
      return lossOf(vector(labels), vector(probabilities), ProbabilityCompat.KERAS);
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, ArrayData probabilities, double epsilon) {
      return lossOf(doubles(labels), doubles(probabilities), epsilon(epsilon, NAME));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData probabilities, double epsilon) {
      return lossOf(vector(labels), doubles(probabilities), epsilon(epsilon, NAME));
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object probabilities, double epsilon) {
      return lossOf(doubles(labels), vector(probabilities), epsilon(epsilon, NAME));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object probabilities, double epsilon) {
      return lossOf(vector(labels), vector(probabilities), epsilon(epsilon, NAME));
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, ArrayData probabilities, UTF8String compat) {
      return lossOf(doubles(labels), doubles(probabilities), compat(compat, NAME));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData probabilities, UTF8String compat) {
      return lossOf(vector(labels), doubles(probabilities), compat(compat, NAME));
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object probabilities, UTF8String compat) {
      return lossOf(doubles(labels), vector(probabilities), compat(compat, NAME));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object probabilities, UTF8String compat) {
      return lossOf(vector(labels), vector(probabilities), compat(compat, NAME));
    }

    static Double lossOf(double[] labels, double[] probabilities, ProbabilityCompat compat) {
      if (labels == null || probabilities == null || compat == null) {
        return null;
      }
      try {
        return CategoricalCrossEntropy.fromProbabilities(labels, probabilities, compat);
      } catch (InvalidInputException e) {
        throw e.inFunction(NAME);
      }
    }
  }

  /** Non-ANSI mode: invalid input gives NULL. */
  public static final class OrNull extends LossBound {
    OrNull(DataType[] inputTypes, boolean resultNullable) {
      super(NAME, false, inputTypes, resultNullable);
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, ArrayData probabilities) {
      return orNull(() -> Strict.invoke(labels, probabilities));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData probabilities) {
      return orNull(() -> Strict.invoke(labels, probabilities));
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object probabilities) {
      return orNull(() -> Strict.invoke(labels, probabilities));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object probabilities) {
      return orNull(() -> Strict.invoke(labels, probabilities));
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, ArrayData probabilities, double epsilon) {
      return orNull(() -> Strict.invoke(labels, probabilities, epsilon));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData probabilities, double epsilon) {
      return orNull(() -> Strict.invoke(labels, probabilities, epsilon));
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object probabilities, double epsilon) {
      return orNull(() -> Strict.invoke(labels, probabilities, epsilon));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object probabilities, double epsilon) {
      return orNull(() -> Strict.invoke(labels, probabilities, epsilon));
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, ArrayData probabilities, UTF8String compat) {
      return orNull(() -> Strict.invoke(labels, probabilities, compat));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData probabilities, UTF8String compat) {
      return orNull(() -> Strict.invoke(labels, probabilities, compat));
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object probabilities, UTF8String compat) {
      return orNull(() -> Strict.invoke(labels, probabilities, compat));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object probabilities, UTF8String compat) {
      return orNull(() -> Strict.invoke(labels, probabilities, compat));
    }
  }

  /** Java UDF {@code cce(labels, probabilities)}, Keras clipping, arrays or MLlib vectors. */
  public static final class Udf implements UDF2<Object, Object, Double> {
    private static final long serialVersionUID = 1L;

    @Override
    public Double call(Object labels, Object probabilities) {
      return JavaUdfs.evaluate(
          () -> Strict.lossOf(udfDoubles(labels), udfDoubles(probabilities), ProbabilityCompat.KERAS));
    }
  }
}
