package io.sparkxent.math;

import static io.sparkxent.math.Exact.assertWithinUlps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CategoricalCrossEntropyTest {
  static final double ULPS = 4;

  @Test
  void referenceValuesDenseLogits() {
    double[][] logits = {{12, 3, 2}, {3, 10, 1}, {1, 2, 5}, {4, 6.5, 1.2}, {3, 6, 1}};
    int[] classes = {0, 1, 1, 1, 1};
    double[] expected = {1.68795487e-04, 1.03475622e-03, 3.06588390, 8.34920680e-02, 5.49852354e-02};
    for (int i = 0; i < logits.length; i++) {
      double[] oneHot = new double[3];
      oneHot[classes[i]] = 1;
      assertThat(CategoricalCrossEntropy.fromLogits(oneHot, logits[i]))
          .isCloseTo(expected[i], within(expected[i] * 1e-8));
      assertThat(CategoricalCrossEntropy.sparseFromLogits(classes[i], logits[i]))
          .isEqualTo(CategoricalCrossEntropy.fromLogits(oneHot, logits[i]));
    }
  }

  @Test
  void referenceValuesSparseLogits() {
    assertThat(CategoricalCrossEntropy.sparseFromLogits(0, new double[] {2, -5, .5, -.1}))
        .isCloseTo(0.29750749726216225, within(Math.ulp(0.2975)));
    assertThat(CategoricalCrossEntropy.sparseFromLogits(3, new double[] {0, 0, 1.9, 1.4}))
        .isCloseTo(1.14483255, within(1e-8));
    // PyTorch gives -0.0; the exact value is log1p(3 exp(-200))
    double[] certain = {-100, 100, -100, -100};
    assertWithinUlps(CategoricalCrossEntropy.sparseFromLogits(1, certain),
        Exact.log1p(Exact.exp(Exact.of(-200)).multiply(Exact.of(3))), ULPS, "log1p(3 exp(-200))");
    assertThat(Math.abs(CategoricalCrossEntropy.sparseFromLogits(1, certain) - 4.151689580210212e-87))
        .isLessThanOrEqualTo(Math.ulp(4.151689580210212e-87));
  }

  @Test
  void referenceValuesScikitLearnMulticlass() {
    int[] labels = {1, 2, 0, 1};
    double[][] probabilities = {{.1, .8, .1}, {.9, .05, .05}, {.8, .2, 0}, {.3, .65, .05}};
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      sum += CategoricalCrossEntropy.sparseFromProbabilities(labels[i], probabilities[i], ProbabilityCompat.SKLEARN);
    }
    assertThat(sum / 4).isCloseTo(0.9682005730687162, within(2 * Math.ulp(0.968)));
  }

  @Test
  void hugeLogitsGiveExactFiniteAnswers() {
    for (double scale : new double[] {1000, 1e300, Double.MAX_VALUE / 4}) {
      double[] logits = {scale, -scale, scale / 2};
      double[] labels = {0.2, 0.3, 0.5};
      assertWithinUlps(
          CategoricalCrossEntropy.fromLogits(labels, logits), ExactLosses.cceLogits(labels, logits, 0), ULPS,
          "scale " + scale);
    }
    // near-certain correct prediction: 8.7e-67 where PyTorch returns -0.0
    double[] logits = {1000, 848, 0};
    assertWithinUlps(CategoricalCrossEntropy.sparseFromLogits(0, logits),
        ExactLosses.cceLogits(new double[] {1, 0, 0}, logits, 0), ULPS, "tiny");
  }

  @Test
  void denseAndSparseMatchExactValueOnRandomRows() {
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 3_000; i++) {
      int classes = 2 + random.nextInt(12);
      double[] logits = new double[classes];
      double spread = Math.pow(10, random.nextDouble() * 4 - 1);
      for (int k = 0; k < classes; k++) {
        logits[k] = random.nextGaussian() * spread;
      }
      double[] labels = new double[classes];
      int target = random.nextInt(classes);
      boolean soft = random.nextBoolean();
      for (int k = 0; k < classes; k++) {
        labels[k] = soft ? random.nextDouble() / classes : (k == target ? 1 : 0);
      }
      double ls = i % 3 == 0 ? random.nextDouble() * 0.3 : 0;
      String what = "labels " + Arrays.toString(labels) + " logits " + Arrays.toString(logits) + " ls " + ls;
      assertWithinUlps(CategoricalCrossEntropy.fromLogits(labels, logits, ls),
          ExactLosses.cceLogits(labels, logits, ls), ULPS, what);
      double[] oneHot = new double[classes];
      oneHot[target] = 1;
      assertWithinUlps(CategoricalCrossEntropy.sparseFromLogits(target, logits, ls),
          ExactLosses.cceLogits(oneHot, logits, ls), ULPS, "sparse " + target + " " + what);
    }
  }

  @Test
  void infiniteLogitsGiveTheLimits() {
    double inf = Double.POSITIVE_INFINITY;
    assertThat(CategoricalCrossEntropy.sparseFromLogits(0, new double[] {inf, 1, 2})).isEqualTo(0.0);
    assertThat(CategoricalCrossEntropy.sparseFromLogits(1, new double[] {inf, 1, 2})).isEqualTo(inf);
    assertThat(CategoricalCrossEntropy.sparseFromLogits(1, new double[] {-inf, 1, 1}))
        .isCloseTo(Math.log(2), within(1e-16));
    assertThat(CategoricalCrossEntropy.fromLogits(new double[] {0, 1}, new double[] {-inf, 3})).isEqualTo(0.0);
    assertThat(CategoricalCrossEntropy.sparseFromLogits(0, new double[] {Double.NaN, 1})).isNaN();
    assertThat(CategoricalCrossEntropy.sparseFromLogits(Double.NaN, new double[] {0, 1})).isNaN();
    assertThat(CategoricalCrossEntropy.fromLogits(new double[] {Double.NaN, 1}, new double[] {0, 1})).isNaN();
  }

  @Test
  void probabilitiesMatchExactValueInEveryConvention() {
    SplittableRandom random = new SplittableRandom(9);
    ProbabilityCompat[] conventions = {
        ProbabilityCompat.KERAS, ProbabilityCompat.SKLEARN, ProbabilityCompat.SPARK_MLLIB,
        ProbabilityCompat.TORCH, ProbabilityCompat.keras(1e-4)};
    for (int i = 0; i < 3_000; i++) {
      ProbabilityCompat compat = conventions[i % conventions.length];
      int classes = 2 + random.nextInt(8);
      double[] probabilities = new double[classes];
      int target = random.nextInt(classes);
      double confidence = 1 - Math.pow(10, -random.nextDouble() * 12);
      double rest = 1 - confidence;
      for (int k = 0; k < classes; k++) {
        probabilities[k] = k == target ? confidence : Math.min(1, rest / (classes - 1) * (i % 7 == 0 ? 1.3 : 1));
      }
      double[] labels = new double[classes];
      labels[target] = 1;
      if (i % 2 == 0) {
        labels[(target + 1) % classes] = 0.25;
      }
      String what = compat + " labels " + Arrays.toString(labels) + " probs " + Arrays.toString(probabilities);
      assertWithinUlps(CategoricalCrossEntropy.fromProbabilities(labels, probabilities, compat),
          ExactLosses.cceProbabilities(labels, probabilities, compat), ULPS, what);
      double[] oneHot = new double[classes];
      oneHot[target] = 1;
      assertWithinUlps(CategoricalCrossEntropy.sparseFromProbabilities(target, probabilities, compat),
          ExactLosses.cceProbabilities(oneHot, probabilities, compat), ULPS, "sparse " + what);
    }
  }

  @Test
  void kerasRenormalisesOtherConventionsDoNot() {
    double[] unnormalised = {0.2, 0.2};
    assertThat(CategoricalCrossEntropy.sparseFromProbabilities(0, unnormalised, ProbabilityCompat.KERAS))
        .isCloseTo(Math.log(2), within(1e-16));
    assertThat(CategoricalCrossEntropy.sparseFromProbabilities(0, unnormalised, ProbabilityCompat.SKLEARN))
        .isCloseTo(-Math.log(0.2), within(1e-15));
    assertThat(CategoricalCrossEntropy.sparseFromProbabilities(1, new double[] {1, 0}, ProbabilityCompat.SPARK_MLLIB))
        .isCloseTo(-Math.log(1e-15), within(1e-13));
    assertThat(CategoricalCrossEntropy.sparseFromProbabilities(1, new double[] {1, 0}, ProbabilityCompat.TORCH))
        .isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void invalidArgumentsNameArgumentValueAndRange() {
    assertThatThrownBy(() -> CategoricalCrossEntropy.sparseFromLogits(3, new double[] {1, 2, 3}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("class_index = 3.0 is invalid; expected a whole number in [0, 3) for 3 classes");
    assertThatThrownBy(() -> CategoricalCrossEntropy.sparseFromLogits(0.5, new double[] {1, 2}))
        .hasMessageContaining("class_index = 0.5");
    assertThatThrownBy(() -> CategoricalCrossEntropy.sparseFromLogits(-1, new double[] {1, 2}))
        .hasMessageContaining("class_index = -1.0");
    assertThatThrownBy(() -> CategoricalCrossEntropy.fromLogits(new double[] {1, 0}, new double[] {1, 2, 3}))
        .hasMessage("logits = an array of 3 elements is invalid; expected as many elements as labels (2)");
    assertThatThrownBy(() -> CategoricalCrossEntropy.fromLogits(new double[] {1.5, 0}, new double[] {1, 2}))
        .hasMessageContaining("label = 1.5");
    assertThatThrownBy(() -> CategoricalCrossEntropy.fromProbabilities(new double[] {1, 0}, new double[] {1.5, 0}, ProbabilityCompat.KERAS))
        .hasMessageContaining("probabilities = 1.5");
    assertThatThrownBy(() -> CategoricalCrossEntropy.sparseFromProbabilities(0, new double[] {0, 0}, ProbabilityCompat.KERAS))
        .hasMessageContaining("all zero");
    assertThatThrownBy(() -> CategoricalCrossEntropy.sparseFromLogits(0, new double[0]))
        .hasMessageContaining("class_index = 0.0");
  }
}
