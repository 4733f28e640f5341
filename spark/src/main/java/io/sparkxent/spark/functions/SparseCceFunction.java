package io.sparkxent.spark.functions;

import io.sparkxent.codegen.DefaultsTo;
import io.sparkxent.codegen.Kernel;
import io.sparkxent.math.CategoricalCrossEntropy;
import io.sparkxent.math.ProbabilityCompat;
import io.sparkxent.spark.LossDescriptor;
import io.sparkxent.spark.LossDescriptor.Label;
import io.sparkxent.spark.LossDescriptor.Prediction;
import io.sparkxent.spark.LossDescriptor.Shape;
import io.sparkxent.spark.LossParameter;

/**
 * {@code sparse_cce}: {@code -log p[k]} for class probabilities p and a class index k, clipped as
 * {@link CceFunction} says; {@code 'spark_mllib'} is {@code MulticlassMetrics.logLoss} per row.
 *
 * <p>{@code SELECT sparse_cce(label, probability, 'spark_mllib') FROM scored}
 */
public final class SparseCceFunction extends LossFunction {
  public static final String NAME = "sparse_cce";

  public static final LossDescriptor DESCRIPTOR = LossDescriptor.of(NAME, Prediction.PROBABILITY, Label.CLASS_INDEX)
      .shapes(Shape.ARRAY).parameters(LossParameter.EPSILON)
      .summary("""
          categorical cross-entropy -log(p[k]) of class probabilities p (an array or MLlib vector) and
          a class index k in [0, C): Keras by default (renormalised, clipped to [eps, 1-eps], eps 1e-7
          unless given), or compat %s. Within 4 ulp of the exact value.""".formatted(ProbabilityCompat.NAMES))
      .example("SELECT sparse_cce(1, array(0.1, 0.8, 0.1))", "0.22314355131420976")
      .example("SELECT sparse_cce(2, array(0.8, 0.2, 0), 'spark_mllib')", "34.538776394910684");

  public SparseCceFunction() {
    super(DESCRIPTOR);
  }

  @Kernel
  public static double loss(
      double classIndex, double[] probabilities, @DefaultsTo("ProbabilityCompat.KERAS") ProbabilityCompat compat) {
    return CategoricalCrossEntropy.sparseFromProbabilities(classIndex, probabilities, compat);
  }
}
