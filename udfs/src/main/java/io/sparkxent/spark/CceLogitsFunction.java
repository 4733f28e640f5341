package io.sparkxent.spark;

import static io.sparkxent.spark.LossBound.orNull;
import static io.sparkxent.spark.ArgumentValues.doubles;
import static io.sparkxent.spark.ArgumentValues.udfDoubles;
import static io.sparkxent.spark.ArgumentValues.vector;

import io.sparkxent.math.CategoricalCrossEntropy;
import io.sparkxent.math.InvalidInputException;
import java.util.List;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;

/**
 * {@code cce_logits}: softmax cross-entropy with dense (one-hot or soft) labels, TF {@code
 * softmax_cross_entropy_with_logits}, Keras {@code CategoricalCrossentropy(from_logits=True)},
 * with optional label smoothing.
 *
 * <p>{@code SELECT cce_logits(one_hot, logits, 0.1) FROM preds}
 */
public final class CceLogitsFunction extends LossFunction {
  public static final String NAME = "cce_logits";

  public CceLogitsFunction() {
    super(
        NAME,
        "softmax cross-entropy sum_k y_k*(logsumexp(x) - x_k) of class logits x (an array or"
            + " MLlib vector) and labels y in [0, 1]; label_smoothing replaces y by y*(1-ls) + ls/C."
            + " Within 4 ulp of the exact value, for any logits (the max is shifted out).",
        List.of(
            "labels:array|vector, logits:array|vector",
            "labels:array|vector, logits:array|vector, label_smoothing:number"),
        Strict::new,
        OrNull::new);
  }

  @Override
  public String examples() {
    return "\n    Examples:\n"
        + "      > SELECT _FUNC_(array(1, 0, 0), array(12, 3, 2));\n       1.687954870893486E-4\n"
        + "      > SELECT _FUNC_(array(0, 1, 0), array(-1000, 1000, 0));\n       0.0\n"
        + "      > SELECT _FUNC_(array(1, 0), array(0, 0), 0.2);\n       0.6931471805599453\n"
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
    public static Double invoke(ArrayData labels, ArrayData logits) {
      return lossOf(doubles(labels), doubles(logits), 0.0);
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData logits) {
      return lossOf(vector(labels), doubles(logits), 0.0);
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object logits) {
      return lossOf(doubles(labels), vector(logits), 0.0);
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object logits) {
      return lossOf(vector(labels), vector(logits), 0.0);
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, ArrayData logits, double labelSmoothing) {
      return lossOf(doubles(labels), doubles(logits), labelSmoothing);
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData logits, double labelSmoothing) {
      return lossOf(vector(labels), doubles(logits), labelSmoothing);
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object logits, double labelSmoothing) {
      return lossOf(doubles(labels), vector(logits), labelSmoothing);
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object logits, double labelSmoothing) {
      return lossOf(vector(labels), vector(logits), labelSmoothing);
    }

    static Double lossOf(double[] labels, double[] logits, double labelSmoothing) {
      if (labels == null || logits == null) {
        return null;
      }
      try {
        return CategoricalCrossEntropy.fromLogits(labels, logits, labelSmoothing);
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
    public static Double invoke(ArrayData labels, ArrayData logits) {
      return orNull(() -> Strict.invoke(labels, logits));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData logits) {
      return orNull(() -> Strict.invoke(labels, logits));
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object logits) {
      return orNull(() -> Strict.invoke(labels, logits));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object logits) {
      return orNull(() -> Strict.invoke(labels, logits));
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, ArrayData logits, double labelSmoothing) {
      return orNull(() -> Strict.invoke(labels, logits, labelSmoothing));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData logits, double labelSmoothing) {
      return orNull(() -> Strict.invoke(labels, logits, labelSmoothing));
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object logits, double labelSmoothing) {
      return orNull(() -> Strict.invoke(labels, logits, labelSmoothing));
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object logits, double labelSmoothing) {
      return orNull(() -> Strict.invoke(labels, logits, labelSmoothing));
    }
  }

  /** Java UDF {@code cce_logits(labels, logits)} over arrays or MLlib vectors. */
  public static final class Udf implements UDF2<Object, Object, Double> {
    private static final long serialVersionUID = 1L;

    @Override
    public Double call(Object labels, Object logits) {
      return JavaUdfs.evaluate(() -> Strict.lossOf(udfDoubles(labels), udfDoubles(logits), 0.0));
    }
  }
}
