package io.sparkxent.spark.functions;

import io.sparkxent.codegen.DefaultsTo;
import io.sparkxent.codegen.Kernel;
import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.math.ProbabilityCompat;
import io.sparkxent.spark.LossDescriptor;
import io.sparkxent.spark.LossDescriptor.Label;
import io.sparkxent.spark.LossDescriptor.Prediction;
import io.sparkxent.spark.LossDescriptor.Shape;
import io.sparkxent.spark.LossParameter;

/**
 * {@code bce}: binary cross-entropy from a probability, clipped as Keras (default, epsilon 1e-7),
 * a given epsilon, or a named library ({@code 'keras'}, {@code 'sklearn'}, {@code 'spark_mllib'},
 * {@code 'torch'}) does; with arrays, the multi-label mean over the elements.
 *
 * <p>{@code SELECT bce(label, probability, 'sklearn') FROM preds}
 */
public final class BceFunction extends LossFunction {
  public static final String NAME = "bce";

  public static final LossDescriptor DESCRIPTOR = LossDescriptor.of(NAME, Prediction.PROBABILITY, Label.BINARY)
      .shapes(Shape.SCALAR, Shape.ARRAY).parameters(LossParameter.EPSILON)
      .summary("""
          binary cross-entropy -(z*log(p) + (1-z)*log(1-p)) of a probability p clipped to [eps,
          1-eps]; eps is 1e-7 (Keras) unless given, or compat names the library whose clipping to
          reproduce: %s. With arrays (probabilities may be an MLlib vector), the mean over the
          elements. Within 4 ulp of the exact value.""".formatted(ProbabilityCompat.NAMES))
      .example("SELECT bce(1, 0.9)", "0.10536051565782628")
      .example("SELECT bce(1, 0)", "16.11809565095832")
      .example("SELECT bce(1, 0, 'spark_mllib')", "34.538776394910684")
      .example("SELECT bce(1, 0, 'torch')", "100.0")
      .example("SELECT bce(array(0, 1, 0), array(0.5, 0.4, 0.3))", "0.6553709521242775");

  public BceFunction() {
    super(DESCRIPTOR);
  }

  @Kernel
  public static double loss(
      double label, double probability, @DefaultsTo("ProbabilityCompat.KERAS") ProbabilityCompat compat) {
    return BinaryCrossEntropy.fromProbability(label, probability, compat);
  }

  @Kernel
  public static double loss(
      double[] labels, double[] probabilities, @DefaultsTo("ProbabilityCompat.KERAS") ProbabilityCompat compat) {
    return BinaryCrossEntropy.meanFromProbabilities(labels, probabilities, compat);
  }
}
