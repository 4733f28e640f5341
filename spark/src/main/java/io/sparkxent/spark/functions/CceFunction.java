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
 * {@code cce}: categorical cross-entropy from class probabilities with dense labels. By default as
 * Keras: divided by the row sum, clipped to {@code [1e-7, 1-1e-7]}; {@code 'sklearn'} and {@code
 * 'spark_mllib'} clip without renormalising, {@code 'torch'} takes the log as given.
 *
 * <p>{@code SELECT cce(one_hot, probability, 'sklearn') FROM scored}
 */
public final class CceFunction extends LossFunction {
  public static final String NAME = "cce";

  public static final LossDescriptor DESCRIPTOR = LossDescriptor.of(NAME, Prediction.PROBABILITY, Label.DENSE)
      .shapes(Shape.ARRAY).parameters(LossParameter.EPSILON)
      .summary("""
          categorical cross-entropy -sum_k y_k*log(p_k) of class probabilities p (an array or MLlib
          vector): Keras by default (renormalised by the row sum, clipped to [eps, 1-eps], eps 1e-7
          unless given), or compat %s. Within 4 ulp of the exact value.""".formatted(ProbabilityCompat.NAMES))
      .example("SELECT cce(array(0, 1, 0), array(0.1, 0.8, 0.1))", "0.22314355131420976")
      .example("SELECT cce(array(0, 1), array(0.2, 0.2))", "0.6931471805599453")
      .example("SELECT cce(array(0, 1), array(0.2, 0.2), 'sklearn')", "1.6094379124341003");

  public CceFunction() {
    super(DESCRIPTOR);
  }

  @Kernel
  public static double loss(
      double[] labels, double[] probabilities, @DefaultsTo("ProbabilityCompat.KERAS") ProbabilityCompat compat) {
    return CategoricalCrossEntropy.fromProbabilities(labels, probabilities, compat);
  }
}
