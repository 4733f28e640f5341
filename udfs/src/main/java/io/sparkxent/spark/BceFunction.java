package io.sparkxent.spark;

import static io.sparkxent.spark.LossBound.orNull;
import static io.sparkxent.spark.ArgumentValues.compat;
import static io.sparkxent.spark.ArgumentValues.epsilon;
import static io.sparkxent.spark.ArgumentValues.doubles;
import static io.sparkxent.spark.ArgumentValues.number;
import static io.sparkxent.spark.ArgumentValues.udfDoubles;
import static io.sparkxent.spark.ArgumentValues.vector;

import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.math.InvalidInputException;
import io.sparkxent.math.ProbabilityCompat;
import java.util.List;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * {@code bce}: binary cross-entropy from a probability, clipped as Keras (default, epsilon 1e-7),
 * a given epsilon, or a named library ({@code 'keras'}, {@code 'sklearn'}, {@code 'spark_mllib'},
 * {@code 'torch'}) does; with arrays, the multi-label mean over the elements.
 *
 * <p>{@code SELECT bce(label, probability, 'sklearn') FROM preds}
 */
public final class BceFunction extends LossFunction {
  public static final String NAME = "bce";

  public BceFunction() {
    super(
        NAME,
        "binary cross-entropy -(z*log(p) + (1-z)*log(1-p)) of a probability p clipped to"
            + " [eps, 1-eps]; eps is 1e-7 (Keras) unless given, or compat names the library whose"
            + " clipping to reproduce: " + ProbabilityCompat.NAMES + ". With arrays (probabilities"
            + " may be an MLlib vector), the mean over the elements. Within 4 ulp of the exact"
            + " value.",
        List.of(
            "label:number, probability:number",
            "label:number, probability:number, epsilon:number",
            "label:number, probability:number, compat:text",
            "labels:array|vector, probabilities:array|vector",
            "labels:array|vector, probabilities:array|vector, epsilon:number",
            "labels:array|vector, probabilities:array|vector, compat:text"),
        Strict::new,
        OrNull::new);
  }

  @Override
  public String examples() {
    return "\n    Examples:\n"
        + "      > SELECT _FUNC_(1, 0.9);\n       0.10536051565782628\n"
        + "      > SELECT _FUNC_(1, 0);\n       16.11809565095832\n"
        + "      > SELECT _FUNC_(1, 0, 'spark_mllib');\n       34.538776394910684\n"
        + "      > SELECT _FUNC_(1, 0, 'torch');\n       100.0\n"
        + "      > SELECT _FUNC_(array(0, 1, 0), array(0.5, 0.4, 0.3));\n       0.6553709521242775\n"
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
    public static double invoke(double label, double probability) {
      return lossOf(label, probability, ProbabilityCompat.KERAS);
    }

    // magic method used in codegen
    public static double invoke(double label, double probability, double epsilon) {
      return lossOf(label, probability, epsilon(epsilon, NAME));
    }

    // magic method used in codegen
    public static Double invoke(double label, double probability, UTF8String compat) {
      ProbabilityCompat clipping = compat(compat, NAME);
      return clipping == null ? null : lossOf(label, probability, clipping);
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, ArrayData probabilities) {
      return meanOf(doubles(labels), doubles(probabilities), ProbabilityCompat.KERAS);
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData probabilities) {
      return meanOf(vector(labels), doubles(probabilities), ProbabilityCompat.KERAS);
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object probabilities) {
      return meanOf(doubles(labels), vector(probabilities), ProbabilityCompat.KERAS);
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object probabilities) {
      return meanOf(vector(labels), vector(probabilities), ProbabilityCompat.KERAS);
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, ArrayData probabilities, double epsilon) {
      return meanOf(doubles(labels), doubles(probabilities), epsilon(epsilon, NAME));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData probabilities, double epsilon) {
      return meanOf(vector(labels), doubles(probabilities), epsilon(epsilon, NAME));
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object probabilities, double epsilon) {
      return meanOf(doubles(labels), vector(probabilities), epsilon(epsilon, NAME));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object probabilities, double epsilon) {
      return meanOf(vector(labels), vector(probabilities), epsilon(epsilon, NAME));
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, ArrayData probabilities, UTF8String compat) {
      return meanOf(doubles(labels), doubles(probabilities), compat(compat, NAME));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData probabilities, UTF8String compat) {
      return meanOf(vector(labels), doubles(probabilities), compat(compat, NAME));
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object probabilities, UTF8String compat) {
      return meanOf(doubles(labels), vector(probabilities), compat(compat, NAME));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object probabilities, UTF8String compat) {
      return meanOf(vector(labels), vector(probabilities), compat(compat, NAME));
    }

    private static double lossOf(double label, double probability, ProbabilityCompat compat) {
      try {
        return BinaryCrossEntropy.fromProbability(label, probability, compat);
      } catch (InvalidInputException e) {
        throw e.inFunction(NAME);
      }
    }

    static Double meanOf(double[] labels, double[] probabilities, ProbabilityCompat compat) {
      if (labels == null || probabilities == null || compat == null) {
        return null;
      }
      try {
        return BinaryCrossEntropy.meanFromProbabilities(labels, probabilities, compat);
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
    public static Double invoke(double label, double probability) {
      return orNull(() -> Strict.invoke(label, probability));
    }

    // magic method used in codegen
    public static Double invoke(double label, double probability, double epsilon) {
      return orNull(() -> Strict.invoke(label, probability, epsilon));
    }

    // magic method used in codegen
    public static Double invoke(double label, double probability, UTF8String compat) {
      return orNull(() -> Strict.invoke(label, probability, compat));
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

  /**
   * Java UDF {@code bce(label, probability)}, or {@code bce(labels, probabilities)} with arrays,
   * clipped as Keras does.
   */
  public static final class Udf implements UDF2<Object, Object, Double> {
    private static final long serialVersionUID = 1L;

    @Override
    public Double call(Object label, Object probability) {
      if (label instanceof Number || probability instanceof Number) {
        Double z = number(label);
        Double p = number(probability);
        return z == null || p == null ? null : JavaUdfs.evaluate(() -> Strict.invoke(z.doubleValue(), p.doubleValue()));
      }
      return JavaUdfs.evaluate(
          () -> Strict.meanOf(udfDoubles(label), udfDoubles(probability), ProbabilityCompat.KERAS));
    }
  }
}
