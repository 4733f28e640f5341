package io.sparkxent.spark.functions;

import io.sparkxent.codegen.Kernel;
import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.spark.LossDescriptor;
import io.sparkxent.spark.LossDescriptor.Label;
import io.sparkxent.spark.LossDescriptor.Prediction;
import io.sparkxent.spark.LossDescriptor.Shape;
import io.sparkxent.spark.LossParameter;

/**
 * {@code focal_bce_logits}: binary focal loss {@code (1-p_t)^gamma * bce} (Keras {@code
 * BinaryFocalCrossentropy}), times {@code alpha_t} when alpha is given (Keras with class balancing,
 * torchvision {@code sigmoid_focal_loss}).
 *
 * <p>{@code SELECT focal_bce_logits(label, logit, 2.0, 0.25) FROM preds}
 */
public final class FocalBceLogitsFunction extends LossFunction {
  public static final String NAME = "focal_bce_logits";

  public static final LossDescriptor DESCRIPTOR = LossDescriptor.of(NAME, Prediction.LOGIT, Label.BINARY)
      .shapes(Shape.SCALAR).parameters(LossParameter.GAMMA, LossParameter.ALPHA)
      .required(1)
      .summary("""
          binary focal loss (1-p_t)^gamma * bce_logits(z, x), p_t = z*sigmoid(x) + (1-z)*sigmoid(-x);
          with alpha, times alpha*z + (1-alpha)*(1-z). Within 4 ulp of the exact value for any gamma
          (the focal factor is carried in double-double).""")
      .example("SELECT focal_bce_logits(1, 0, 2)", "0.17328679513998632")
      .example("SELECT focal_bce_logits(1, 2, 2, 0.25)", "4.5089070881009386E-4");

  public FocalBceLogitsFunction() {
    super(DESCRIPTOR);
  }

  @Kernel
  public static double loss(double label, double logit, double gamma) {
    return BinaryCrossEntropy.focalFromLogit(label, logit, gamma);
  }

  @Kernel
  public static double loss(double label, double logit, double gamma, double alpha) {
    return BinaryCrossEntropy.focalFromLogit(label, logit, gamma, alpha);
  }
}
