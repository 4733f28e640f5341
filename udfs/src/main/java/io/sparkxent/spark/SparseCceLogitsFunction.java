package io.sparkxent.spark;

import static io.sparkxent.spark.LossBound.orNull;
import static io.sparkxent.spark.ArgumentValues.doubles;
import static io.sparkxent.spark.ArgumentValues.number;
import static io.sparkxent.spark.ArgumentValues.udfDoubles;
import static io.sparkxent.spark.ArgumentValues.vector;

import io.sparkxent.math.CategoricalCrossEntropy;
import io.sparkxent.math.InvalidInputException;
import java.util.List;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;

/**
 * {@code sparse_cce_logits}: softmax cross-entropy with a class index (TF sparse softmax, PyTorch
 * {@code cross_entropy}), with optional label smoothing. The index may be any numeric type (MLlib
 * labels are doubles) and must be a whole number in {@code [0, C)}.
 *
 * <p>{@code SELECT sparse_cce_logits(label, rawPrediction) FROM scored}
 */
public final class SparseCceLogitsFunction extends LossFunction {
  public static final String NAME = "sparse_cce_logits";

  public SparseCceLogitsFunction() {
    super(
        NAME,
        "softmax cross-entropy logsumexp(x) - x[k] of class logits x (an array or MLlib vector)"
            + " and a class index k in [0, C); label_smoothing spreads ls over the C classes."
            + " Within 4 ulp of the exact value, for any logits (the max is shifted out).",
        List.of(
            "class_index:number, logits:array|vector",
            "class_index:number, logits:array|vector, label_smoothing:number"),
        Strict::new,
        OrNull::new);
  }

  @Override
  public String examples() {
    return "\n    Examples:\n"
        + "      > SELECT _FUNC_(0, array(2, -5, 0.5, -0.1));\n       0.29750749726216225\n"
        + "      > SELECT _FUNC_(1, array(-100, 100, -100, -100));\n       4.151689580210213E-87\n"
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
    public static Double invoke(double classIndex, ArrayData logits) {
      return lossOf(classIndex, doubles(logits), 0.0);
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, Object logits) {
      return lossOf(classIndex, vector(logits), 0.0);
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, ArrayData logits, double labelSmoothing) {
      return lossOf(classIndex, doubles(logits), labelSmoothing);
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, Object logits, double labelSmoothing) {
      return lossOf(classIndex, vector(logits), labelSmoothing);
    }

    static Double lossOf(double classIndex, double[] logits, double labelSmoothing) {
      if (logits == null) {
        return null;
      }
      try {
        return CategoricalCrossEntropy.sparseFromLogits(classIndex, logits, labelSmoothing);
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
    public static Double invoke(double classIndex, ArrayData logits) {
      return orNull(() -> Strict.invoke(classIndex, logits));
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, Object logits) {
      return orNull(() -> Strict.invoke(classIndex, logits));
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, ArrayData logits, double labelSmoothing) {
      return orNull(() -> Strict.invoke(classIndex, logits, labelSmoothing));
    }

    // magic method used in codegen
    public static Double invoke(double classIndex, Object logits, double labelSmoothing) {
      return orNull(() -> Strict.invoke(classIndex, logits, labelSmoothing));
    }
  }

  /** Java UDF {@code sparse_cce_logits(class_index, logits)} over arrays or MLlib vectors. */
  public static final class Udf implements UDF2<Object, Object, Double> {
    private static final long serialVersionUID = 1L;

    @Override
    public Double call(Object classIndex, Object logits) {
      Double k = number(classIndex);
      return k == null ? null : JavaUdfs.evaluate(() -> Strict.lossOf(k, udfDoubles(logits), 0.0));
    }
  }
}
