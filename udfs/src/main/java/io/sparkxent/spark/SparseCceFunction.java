package io.sparkxent.spark;

import static io.sparkxent.spark.LossBound.orNull;
import static io.sparkxent.spark.ArgumentValues.compat;
import static io.sparkxent.spark.ArgumentValues.doubles;
import static io.sparkxent.spark.ArgumentValues.epsilon;
import static io.sparkxent.spark.ArgumentValues.number;
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
 * {@code sparse_cce}: {@code -log p[k]} for class probabilities p and a class index k, clipped as
 * {@link CceFunction} says; {@code 'spark_mllib'} is {@code MulticlassMetrics.logLoss} per row.
 *
 * <p>{@code SELECT sparse_cce(label, probability, 'spark_mllib') FROM scored}
 */
public final class SparseCceFunction extends LossFunction {
  public static final String NAME = "sparse_cce";

  public SparseCceFunction() {
    super(
        NAME,
        "categorical cross-entropy -log(p[k]) of class probabilities p (an array or MLlib vector)"
            + " and a class index k in [0, C): Keras by default (renormalised, clipped to"
            + " [eps, 1-eps], eps 1e-7 unless given), or compat " + ProbabilityCompat.NAMES + "."
            + " Within 4 ulp of the exact value.",
        List.of(
            "class_index:number, probabilities:array|vector",
            "class_index:number, probabilities:array|vector, epsilon:number",
            "class_index:number, probabilities:array|vector, compat:text"),
        Strict::new,
        OrNull::new);
  }

  @Override
  public String examples() {
    return "\n    Examples:\n"
        + "      > SELECT _FUNC_(1, array(0.1, 0.8, 0.1));\n       0.22314355131420976\n"
        + "      > SELECT _FUNC_(2, array(0.8, 0.2, 0), 'spark_mllib');\n       34.538776394910684\n"
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
    public static Double invoke(double classIndex, ArrayData probabilities) {
      return lossOf(classIndex, doubles(probabilities), ProbabilityCompat.KERAS);
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, Object probabilities) {
      return lossOf(classIndex, vector(probabilities), ProbabilityCompat.KERAS);
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, ArrayData probabilities, double epsilon) {
      return lossOf(classIndex, doubles(probabilities), epsilon(epsilon, NAME));
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, Object probabilities, double epsilon) {
      return lossOf(classIndex, vector(probabilities), epsilon(epsilon, NAME));
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, ArrayData probabilities, UTF8String compat) {
      return lossOf(classIndex, doubles(probabilities), compat(compat, NAME));
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, Object probabilities, UTF8String compat) {
      return lossOf(classIndex, vector(probabilities), compat(compat, NAME));
    }

    static Double lossOf(double classIndex, double[] probabilities, ProbabilityCompat compat) {
      if (probabilities == null || compat == null) {
        return null;
      }
      try {
        return CategoricalCrossEntropy.sparseFromProbabilities(classIndex, probabilities, compat);
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
    public static Double invoke(double classIndex, ArrayData probabilities) {
      return orNull(() -> Strict.invoke(classIndex, probabilities));
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, Object probabilities) {
      return orNull(() -> Strict.invoke(classIndex, probabilities));
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, ArrayData probabilities, double epsilon) {
      return orNull(() -> Strict.invoke(classIndex, probabilities, epsilon));
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, Object probabilities, double epsilon) {
      return orNull(() -> Strict.invoke(classIndex, probabilities, epsilon));
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, ArrayData probabilities, UTF8String compat) {
      return orNull(() -> Strict.invoke(classIndex, probabilities, compat));
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, Object probabilities, UTF8String compat) {
      return orNull(() -> Strict.invoke(classIndex, probabilities, compat));
    }
  }

  /** Java UDF {@code sparse_cce(class_index, probabilities)}, Keras clipping. */
  public static final class Udf implements UDF2<Object, Object, Double> {
    private static final long serialVersionUID = 1L;

    @Override
    public Double call(Object classIndex, Object probabilities) {
      Double k = number(classIndex);
      return k == null
          ? null
          : JavaUdfs.evaluate(() -> Strict.lossOf(k, udfDoubles(probabilities), ProbabilityCompat.KERAS));
    }
  }
}
