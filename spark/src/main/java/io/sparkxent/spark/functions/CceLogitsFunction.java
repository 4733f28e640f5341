package io.sparkxent.spark.functions;

import io.sparkxent.codegen.DefaultsTo;
import io.sparkxent.codegen.Kernel;
import io.sparkxent.math.CategoricalCrossEntropy;
import io.sparkxent.spark.LossDescriptor;
import io.sparkxent.spark.LossDescriptor.Label;
import io.sparkxent.spark.LossDescriptor.Prediction;
import io.sparkxent.spark.LossDescriptor.Shape;
import io.sparkxent.spark.LossParameter;

/**
 * {@code cce_logits}: softmax cross-entropy with dense (one-hot or soft) labels, TF {@code
 * softmax_cross_entropy_with_logits}, Keras {@code CategoricalCrossentropy(from_logits=True)},
 * with optional label smoothing.
 *
 * <p>{@code SELECT cce_logits(one_hot, logits, 0.1) FROM preds}
 */
public final class CceLogitsFunction extends LossFunction {
  public static final String NAME = "cce_logits";

  public static final LossDescriptor DESCRIPTOR = LossDescriptor.of(NAME, Prediction.LOGIT, Label.DENSE)
      .shapes(Shape.ARRAY).parameters(LossParameter.LABEL_SMOOTHING)
      .summary("""
          softmax cross-entropy sum_k y_k*(logsumexp(x) - x_k) of class logits x (an array or MLlib
          vector) and labels y in [0, 1]; label_smoothing replaces y by y*(1-ls) + ls/C. Within 4 ulp
          of the exact value, for any logits (the max is shifted out).""")
      .example("SELECT cce_logits(array(1, 0, 0), array(12, 3, 2))", "1.687954870893486E-4")
      .example("SELECT cce_logits(array(0, 1, 0), array(-1000, 1000, 0))", "0.0")
      .example("SELECT cce_logits(array(1, 0), array(0, 0), 0.2)", "0.6931471805599453");

  public CceLogitsFunction() {
    super(DESCRIPTOR);
  }

  @Kernel
  public static double loss(double[] labels, double[] logits, @DefaultsTo("0.0") double labelSmoothing) {
    return CategoricalCrossEntropy.fromLogits(labels, logits, labelSmoothing);
  }
}
