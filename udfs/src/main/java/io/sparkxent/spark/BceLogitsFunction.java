package io.sparkxent.spark;

import static io.sparkxent.spark.LossBound.orNull;
import static io.sparkxent.spark.ArgumentValues.doubles;
import static io.sparkxent.spark.ArgumentValues.number;
import static io.sparkxent.spark.ArgumentValues.udfDoubles;
import static io.sparkxent.spark.ArgumentValues.vector;

import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.math.InvalidInputException;
import java.util.List;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;

/**
 * {@code bce_logits}: binary cross-entropy from logits (TF {@code
 * sigmoid_cross_entropy_with_logits}, PyTorch {@code BCEWithLogitsLoss}), with optional Keras label
 * smoothing; with arrays, the multi-label mean over the elements.
 *
 * <p>{@code SELECT bce_logits(label, logit), bce_logits(label, logit, 0.1) FROM preds}
 */
public final class BceLogitsFunction extends LossFunction {
  public static final String NAME = "bce_logits";

  public BceLogitsFunction() {
    super(
        NAME,
        "binary cross-entropy z*softplus(-x) + (1-z)*softplus(x) of a logit x and a label z in"
            + " [0, 1]; label_smoothing replaces z by z*(1-ls) + ls/2; with arrays (logits may be an"
            + " MLlib vector), the mean over the elements. Within 4 ulp of the exact value.",
        List.of(
            "label:number, logit:number",
            "label:number, logit:number, label_smoothing:number",
            "labels:array|vector, logits:array|vector",
            "labels:array|vector, logits:array|vector, label_smoothing:number"),
        Strict::new,
        OrNull::new);
  }

  @Override
  public String examples() {
    return "\n    Examples:\n"
        + "      > SELECT _FUNC_(1, 0);\n       0.6931471805599453\n"
        + "      > SELECT _FUNC_(1, 40);\n       4.248354255291589E-18\n"
        + "      > SELECT _FUNC_(0.9, 40);\n       3.999999999999999\n"
        + "      > SELECT _FUNC_(1, 2.5, 0.1);\n       0.20388973429254964\n"
        + "      > SELECT _FUNC_(array(0, 1, 0), array(0.5, 0.4, 0.3));\n       0.7804824936828622\n"
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
    public static double invoke(double label, double logit) {
      try {
        return BinaryCrossEntropy.fromLogit(label, logit);
      } catch (InvalidInputException e) {
        throw e.inFunction(NAME);
      }
    }

    // magic method used in codegen
    public static double invoke(double label, double logit, double labelSmoothing) {
      try {
        return BinaryCrossEntropy.fromLogit(label, logit, labelSmoothing);
      } catch (InvalidInputException e) {
        throw e.inFunction(NAME);
      }
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, ArrayData logits) {
      return meanOf(doubles(labels), doubles(logits), 0.0);
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData logits) {
      return meanOf(vector(labels), doubles(logits), 0.0);
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object logits) {
      return meanOf(doubles(labels), vector(logits), 0.0);
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object logits) {
      return meanOf(vector(labels), vector(logits), 0.0);
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, ArrayData logits, double labelSmoothing) {
      return meanOf(doubles(labels), doubles(logits), labelSmoothing);
    }

    // magic method used in codegen
    public static Double invoke(Object labels, ArrayData logits, double labelSmoothing) {
      return meanOf(vector(labels), doubles(logits), labelSmoothing);
    }

    // magic method used in codegen
    public static Double invoke(ArrayData labels, Object logits, double labelSmoothing) {
      return meanOf(doubles(labels), vector(logits), labelSmoothing);
    }

    // magic method used in codegen
    public static Double invoke(Object labels, Object logits, double labelSmoothing) {
      return meanOf(vector(labels), vector(logits), labelSmoothing);
    }

    static Double meanOf(double[] labels, double[] logits, double labelSmoothing) {
      if (labels == null || logits == null) {
        return null;
      }
      try {
        return BinaryCrossEntropy.meanFromLogits(labels, logits, labelSmoothing);
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
    public static Double invoke(double label, double logit) {
      return orNull(() -> Strict.invoke(label, logit));
    }

    // magic method used in codegen
    public static Double invoke(double label, double logit, double labelSmoothing) {
      return orNull(() -> Strict.invoke(label, logit, labelSmoothing));
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

  /**
   * Java UDF {@code bce_logits(label, logit)}, or {@code bce_logits(labels, logits)} with arrays,
   * for {@code spark.udf().registerJava}. Any numeric type works (UDFs get no implicit casts).
   */
  public static final class Udf implements UDF2<Object, Object, Double> {
    private static final long serialVersionUID = 1L;

    @Override
    public Double call(Object label, Object logit) {
      if (label instanceof Number || logit instanceof Number) {
        Double z = number(label);
        Double x = number(logit);
        return z == null || x == null ? null : JavaUdfs.evaluate(() -> Strict.invoke(z.doubleValue(), x.doubleValue()));
      }
      return JavaUdfs.evaluate(() -> Strict.meanOf(udfDoubles(label), udfDoubles(logit), 0.0));
    }
  }
}
