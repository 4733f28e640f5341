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
 * {@code sparse_cce_logits}: softmax cross-entropy with a class index (TF sparse softmax, PyTorch
 * {@code cross_entropy}), with optional label smoothing. The index may be any numeric type (MLlib
 * labels are doubles) and must be a whole number in {@code [0, C)}.
 *
 * <p>{@code SELECT sparse_cce_logits(label, rawPrediction) FROM scored}
 */
public final class SparseCceLogitsFunction extends LossFunction {
  public static final String NAME = "sparse_cce_logits";

  public static final LossDescriptor DESCRIPTOR = LossDescriptor.of(NAME, Prediction.LOGIT, Label.CLASS_INDEX)
      .shapes(Shape.ARRAY).parameters(LossParameter.LABEL_SMOOTHING)
      .summary("""
          softmax cross-entropy logsumexp(x) - x[k] of class logits x (an array or MLlib vector) and a
          class index k in [0, C); label_smoothing spreads ls over the C classes. Within 4 ulp of the
          exact value, for any logits (the max is shifted out).""")
      .example("SELECT sparse_cce_logits(0, array(2, -5, 0.5, -0.1))", "0.29750749726216225")
      .example("SELECT sparse_cce_logits(1, array(-100, 100, -100, -100))", "4.151689580210213E-87");

  public SparseCceLogitsFunction() {
    super(DESCRIPTOR);
  }

  @Kernel
  public static double loss(double classIndex, double[] logits, @DefaultsTo("0.0") double labelSmoothing) {
    return CategoricalCrossEntropy.sparseFromLogits(classIndex, logits, labelSmoothing);
  }
}
