package io.sparkxent.spark.functions;

import io.sparkxent.codegen.Kernel;
import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.spark.LossDescriptor;
import io.sparkxent.spark.LossDescriptor.Label;
import io.sparkxent.spark.LossDescriptor.Prediction;
import io.sparkxent.spark.LossDescriptor.Shape;
import io.sparkxent.spark.LossParameter;

/**
 * {@code weighted_bce_logits}: binary cross-entropy with a positive-class weight, TF {@code
 * weighted_cross_entropy_with_logits} and PyTorch {@code BCEWithLogitsLoss(pos_weight=q)}.
 *
 * <p>{@code SELECT weighted_bce_logits(label, logit, 3.0) FROM preds}
 */
public final class WeightedBceLogitsFunction extends LossFunction {
  public static final String NAME = "weighted_bce_logits";

  public static final LossDescriptor DESCRIPTOR = LossDescriptor.of(NAME, Prediction.LOGIT, Label.BINARY)
      .shapes(Shape.SCALAR).parameters(LossParameter.POS_WEIGHT)
      .required(1)
      .summary("""
          binary cross-entropy q*z*softplus(-x) + (1-z)*softplus(x) with positive-class weight q >= 0.
          Within 4 ulp of the exact value.""")
      .example("SELECT weighted_bce_logits(1, 0, 3)", "2.0794415416798357")
      .example("SELECT weighted_bce_logits(0, 0, 3)", "0.6931471805599453");

  @Kernel
  public static double loss(double label, double logit, double positiveWeight) {
    return BinaryCrossEntropy.weightedFromLogit(label, logit, positiveWeight);
  }

  public WeightedBceLogitsFunction() {
    super(DESCRIPTOR);
  }
}
