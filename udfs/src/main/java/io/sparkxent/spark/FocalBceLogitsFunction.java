package io.sparkxent.spark;

import static io.sparkxent.spark.LossBound.orNull;
import static io.sparkxent.spark.ArgumentValues.number;

import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.math.InvalidInputException;
import java.util.List;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataType;

/**
 * {@code focal_bce_logits}: binary focal loss {@code (1-p_t)^gamma * bce} (Keras {@code
 * BinaryFocalCrossentropy}), times {@code alpha_t} when alpha is given (Keras with class balancing,
 * torchvision {@code sigmoid_focal_loss}).
 *
 * <p>{@code SELECT focal_bce_logits(label, logit, 2.0, 0.25) FROM preds}
 */
public final class FocalBceLogitsFunction extends LossFunction {
  public static final String NAME = "focal_bce_logits";

  public FocalBceLogitsFunction() {
    super(
        NAME,
        "binary focal loss (1-p_t)^gamma * bce_logits(z, x), p_t = z*sigmoid(x) +"
            + " (1-z)*sigmoid(-x); with alpha, times alpha*z + (1-alpha)*(1-z). Within 4 ulp of the"
            + " exact value for any gamma (the focal factor is carried in double-double).",
        List.of(
            "label:number, logit:number, gamma:number",
            "label:number, logit:number, gamma:number, alpha:number"),
        Strict::new,
        OrNull::new);
  }

  @Override
  public String examples() {
    return "\n    Examples:\n"
        + "      > SELECT _FUNC_(1, 0, 2);\n       0.17328679513998632\n"
        + "      > SELECT _FUNC_(1, 2, 2, 0.25);\n       4.5089070881009386E-4\n"
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
    public static double invoke(double label, double logit, double gamma) {
      try {
        return BinaryCrossEntropy.focalFromLogit(label, logit, gamma);
      } catch (InvalidInputException e) {
        throw e.inFunction(NAME);
      }
    }

    // magic method used in codegen
    public static double invoke(double label, double logit, double gamma, double alpha) {
      try {
        return BinaryCrossEntropy.focalFromLogit(label, logit, gamma, alpha);
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
    public static Double invoke(double label, double logit, double gamma) {
      return orNull(() -> Strict.invoke(label, logit, gamma));
    }

    // magic method used in codegen
    public static Double invoke(double label, double logit, double gamma, double alpha) {
      return orNull(() -> Strict.invoke(label, logit, gamma, alpha));
    }
  }

  /** Java UDF {@code focal_bce_logits(label, logit, gamma)}. */
  public static final class Udf implements UDF3<Object, Object, Object, Double> {
    private static final long serialVersionUID = 1L;

    @Override
    public Double call(Object label, Object logit, Object gamma) {
      Double z = number(label);
      Double x = number(logit);
      Double g = number(gamma);
      return z == null || x == null || g == null
          ? null
          : JavaUdfs.evaluate(() -> Strict.invoke(z, x, g));
    }
  }
}
