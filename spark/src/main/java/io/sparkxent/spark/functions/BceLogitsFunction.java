package io.sparkxent.spark.functions;

import io.sparkxent.codegen.DefaultsTo;
import io.sparkxent.codegen.Kernel;
import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.spark.LossDescriptor;
import io.sparkxent.spark.LossDescriptor.Label;
import io.sparkxent.spark.LossDescriptor.Prediction;
import io.sparkxent.spark.LossDescriptor.Shape;
import io.sparkxent.spark.LossParameter;

/**
 * {@code bce_logits}: binary cross-entropy from logits (TF {@code
 * sigmoid_cross_entropy_with_logits}, PyTorch {@code BCEWithLogitsLoss}), with optional Keras label
 * smoothing; with arrays, the multi-label mean over the elements.
 *
 * <p>{@code SELECT bce_logits(label, logit), bce_logits(label, logit, 0.1) FROM preds}
 */
public final class BceLogitsFunction extends LossFunction {
  public static final String NAME = "bce_logits";

  public static final LossDescriptor DESCRIPTOR = LossDescriptor.of(NAME, Prediction.LOGIT, Label.BINARY)
      .shapes(Shape.SCALAR, Shape.ARRAY).parameters(LossParameter.LABEL_SMOOTHING)
      .summary("""
          binary cross-entropy z*softplus(-x) + (1-z)*softplus(x) of a logit x and a label z in [0,
          1]; label_smoothing replaces z by z*(1-ls) + ls/2; with arrays (logits may be an MLlib
          vector), the mean over the elements. Within 4 ulp of the exact value.""")
      .example("SELECT bce_logits(1, 0)", "0.6931471805599453")
      .example("SELECT bce_logits(1, 40)", "4.248354255291589E-18")
      .example("SELECT bce_logits(0.9, 40)", "3.999999999999999")
      .example("SELECT bce_logits(1, 2.5, 0.1)", "0.20388973429254964")
      .example("SELECT bce_logits(array(0, 1, 0), array(0.5, 0.4, 0.3))", "0.7804824936828622");

  public BceLogitsFunction() {
    super(DESCRIPTOR);
  }

  @Kernel
  public static double loss(double label, double logit) {
    return BinaryCrossEntropy.fromLogit(label, logit); // the common case, without the smoothing checks
  }

  @Kernel
  public static double loss(double label, double logit, double labelSmoothing) {
    return BinaryCrossEntropy.fromLogit(label, logit, labelSmoothing);
  }

  @Kernel
  public static double loss(double[] labels, double[] logits, @DefaultsTo("0.0") double labelSmoothing) {
    return BinaryCrossEntropy.meanFromLogits(labels, logits, labelSmoothing);
  }
}
