package io.sparkxent.spark;

import static io.sparkxent.spark.LossBound.orNull;
import static io.sparkxent.spark.ArgumentValues.number;

import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.math.InvalidInputException;
import java.util.List;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataType;

/**
 * {@code weighted_bce_logits}: binary cross-entropy with a positive-class weight, TF {@code
 * weighted_cross_entropy_with_logits} and PyTorch {@code BCEWithLogitsLoss(pos_weight=q)}.
 *
 * <p>{@code SELECT weighted_bce_logits(label, logit, 3.0) FROM preds}
 */
public final class WeightedBceLogitsFunction extends LossFunction {
  public static final String NAME = "weighted_bce_logits";

  public WeightedBceLogitsFunction() {
    super(
        NAME,
        "binary cross-entropy q*z*softplus(-x) + (1-z)*softplus(x) with positive-class weight"
            + " q >= 0. Within 4 ulp of the exact value.",
        List.of("label:number, logit:number, pos_weight:number"),
        Strict::new,
        OrNull::new);
  }

  @Override
  public String examples() {
    return "\n    Examples:\n"
        + "      > SELECT _FUNC_(1, 0, 3);\n       2.0794415416798357\n"
        + "      > SELECT _FUNC_(0, 0, 3);\n       0.6931471805599453\n"
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
    public static double invoke(double label, double logit, double positiveWeight) {
      try {
        return BinaryCrossEntropy.weightedFromLogit(label, logit, positiveWeight);
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
    public static Double invoke(double label, double logit, double positiveWeight) {
      return orNull(() -> Strict.invoke(label, logit, positiveWeight));
    }
  }

  /** Java UDF {@code weighted_bce_logits(label, logit, pos_weight)}. */
  public static final class Udf implements UDF3<Object, Object, Object, Double> {
    private static final long serialVersionUID = 1L;

    @Override
    public Double call(Object label, Object logit, Object positiveWeight) {
      Double z = number(label);
      Double x = number(logit);
      Double q = number(positiveWeight);
      return z == null || x == null || q == null
          ? null
          : JavaUdfs.evaluate(() -> Strict.invoke(z, x, q));
    }
  }
}
