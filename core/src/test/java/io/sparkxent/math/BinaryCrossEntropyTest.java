package io.sparkxent.math;

import static io.sparkxent.math.Exact.assertWithinUlps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BinaryCrossEntropyTest {
  /** The error bound the README states for every binary loss. */
  static final double ULPS = 4;

  static final double[] EXTREME_LOGITS = {
    0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-300, -1e-300, 1e-17, -1e-17, 0.5, -0.5,
    1, -1, 17, -17, 36.7, -36.7, 40, -40, 700, -700, 710, -710, 745, -745, 1e300, -1e300,
    Double.MAX_VALUE, -Double.MAX_VALUE
  };
  static final double[] LABELS = {0, 1, 0.25, 0.9, 0.5, 1e-9, 1 - 1e-9};

  @Test
  void fromLogitMatchesExactValueAtExtremes() {
    for (double z : LABELS) {
      for (double x : EXTREME_LOGITS) {
        assertWithinUlps(
            BinaryCrossEntropy.fromLogit(z, x), ExactLosses.bceLogit(z, x, 0), ULPS, "z=" + z + " x=" + x);
      }
    }
  }

  @Test
  void fromLogitMatchesExactValueOnRandomInputs() {
    SplittableRandom random = new SplittableRandom(20261123);
    for (int i = 0; i < 20_000; i++) {
      double z = i % 3 == 0 ? random.nextInt(2) : random.nextDouble();
      double x = randomLogit(random);
      assertWithinUlps(
          BinaryCrossEntropy.fromLogit(z, x), ExactLosses.bceLogit(z, x, 0), ULPS, "z=" + z + " x=" + x);
    }
  }

  @Test
  void tinyLossesKeepTheirDigits() {
    assertThat(BinaryCrossEntropy.fromLogit(1, 40)).isEqualTo(4.248354255291589e-18);
    assertThat(BinaryCrossEntropy.fromLogit(1, 700)).isEqualTo(9.85967654375977e-305);
    assertThat(BinaryCrossEntropy.fromLogit(0, -700)).isEqualTo(9.85967654375977e-305);
    // exact 3.7e-348 is below the smallest subnormal
    assertThat(BinaryCrossEntropy.fromLogit(1, 800)).isEqualTo(0.0);
    // where PyTorch float64 is off by 2e-9 relative
    assertWithinUlps(BinaryCrossEntropy.fromLogit(1, 17), ExactLosses.bceLogit(1, 17, 0), 1, "z=1 x=17");
  }

  @Test
  void infiniteLogitsGiveTheLimits() {
    double inf = Double.POSITIVE_INFINITY;
    assertThat(BinaryCrossEntropy.fromLogit(1, inf)).isEqualTo(0.0);
    assertThat(BinaryCrossEntropy.fromLogit(0, inf)).isEqualTo(inf);
    assertThat(BinaryCrossEntropy.fromLogit(0.25, inf)).isEqualTo(inf);
    assertThat(BinaryCrossEntropy.fromLogit(0, -inf)).isEqualTo(0.0);
    assertThat(BinaryCrossEntropy.fromLogit(1, -inf)).isEqualTo(inf);
    assertThat(BinaryCrossEntropy.fromLogit(0.9, -inf)).isEqualTo(inf);
    assertThat(BinaryCrossEntropy.fromLogit(1, inf, 0.1)).isEqualTo(inf);
    assertThat(BinaryCrossEntropy.weightedFromLogit(1, -inf, 0)).isEqualTo(0.0);
    assertThat(BinaryCrossEntropy.weightedFromLogit(1, -inf, 2)).isEqualTo(inf);
    assertThat(BinaryCrossEntropy.focalFromLogit(1, inf, 2)).isEqualTo(0.0);
    assertThat(BinaryCrossEntropy.focalFromLogit(0, inf, 2)).isEqualTo(inf);
  }

  @Test
  void nanAnywhereGivesNan() {
    assertThat(BinaryCrossEntropy.fromLogit(Double.NaN, 1)).isNaN();
    assertThat(BinaryCrossEntropy.fromLogit(Double.NaN, Double.POSITIVE_INFINITY)).isNaN();
    assertThat(BinaryCrossEntropy.fromLogit(1, Double.NaN)).isNaN();
    assertThat(BinaryCrossEntropy.fromLogit(1, 2, Double.NaN)).isNaN();
    assertThat(BinaryCrossEntropy.weightedFromLogit(1, 2, Double.NaN)).isNaN();
    assertThat(BinaryCrossEntropy.focalFromLogit(1, 2, Double.NaN)).isNaN();
    assertThat(BinaryCrossEntropy.fromProbability(1, Double.NaN)).isNaN();
    assertThat(BinaryCrossEntropy.fromProbability(Double.NaN, 0.5, ProbabilityCompat.TORCH)).isNaN();
  }

  @Test
  void labelSmoothingMatchesExactValue() {
    SplittableRandom random = new SplittableRandom(7);
    double[] smoothings = {0.1, 0.2, 1e-3, 0.5, 1.0, 0.01};
    for (double ls : smoothings) {
      for (double z : LABELS) {
        for (double x : EXTREME_LOGITS) {
          assertWithinUlps(
              BinaryCrossEntropy.fromLogit(z, x, ls), ExactLosses.bceLogit(z, x, ls), ULPS,
              "ls=" + ls + " z=" + z + " x=" + x);
        }
      }
    }
    for (int i = 0; i < 5_000; i++) {
      double ls = random.nextDouble();
      double z = random.nextDouble();
      double x = randomLogit(random);
      assertWithinUlps(
          BinaryCrossEntropy.fromLogit(z, x, ls), ExactLosses.bceLogit(z, x, ls), ULPS,
          "ls=" + ls + " z=" + z + " x=" + x);
    }
  }

  @Test
  void weightedMatchesExactValue() {
    SplittableRandom random = new SplittableRandom(11);
    double[] weights = {0, 0.5, 1, 3, 1e6};
    for (double q : weights) {
      for (double z : LABELS) {
        for (double x : EXTREME_LOGITS) {
          assertWithinUlps(
              BinaryCrossEntropy.weightedFromLogit(z, x, q), ExactLosses.weightedBceLogit(z, x, q), ULPS,
              "q=" + q + " z=" + z + " x=" + x);
        }
      }
    }
    for (int i = 0; i < 5_000; i++) {
      double q = random.nextDouble() * 10;
      double z = random.nextDouble();
      double x = randomLogit(random);
      assertWithinUlps(
          BinaryCrossEntropy.weightedFromLogit(z, x, q), ExactLosses.weightedBceLogit(z, x, q), ULPS,
          "q=" + q + " z=" + z + " x=" + x);
    }
    // q = 1 is the plain loss
    assertThat(BinaryCrossEntropy.weightedFromLogit(0.3, 2.5, 1))
        .isCloseTo(BinaryCrossEntropy.fromLogit(0.3, 2.5), within(1e-15));
  }

  @Test
  void focalMatchesExactValue() {
    SplittableRandom random = new SplittableRandom(13);
    for (int i = 0; i < 3_000; i++) {
      double gamma = i % 2 == 0 ? 2.0 : random.nextDouble() * 5;
      double z = i % 3 == 0 ? random.nextInt(2) : random.nextDouble();
      double x = random.nextGaussian() * 8;
      Double alpha = i % 4 == 0 ? null : random.nextDouble();
      double computed = alpha == null
          ? BinaryCrossEntropy.focalFromLogit(z, x, gamma)
          : BinaryCrossEntropy.focalFromLogit(z, x, gamma, alpha);
      assertWithinUlps(computed, ExactLosses.focalBceLogit(z, x, gamma, alpha), ULPS,
          "gamma=" + gamma + " alpha=" + alpha + " z=" + z + " x=" + x);
    }
    // gamma 0 without alpha is the plain loss
    assertThat(BinaryCrossEntropy.focalFromLogit(1, -3, 0)).isEqualTo(BinaryCrossEntropy.fromLogit(1, -3));
  }

  @Test
  void focalMatchesExactValueAtExtremesForAnyGamma() {
    for (double gamma : new double[] {0, 0.5, 1, 2, 5, 12}) {
      for (Double alpha : new Double[] {null, 0.25}) {
        for (double z : LABELS) {
          for (double x : EXTREME_LOGITS) {
            double computed = alpha == null
                ? BinaryCrossEntropy.focalFromLogit(z, x, gamma)
                : BinaryCrossEntropy.focalFromLogit(z, x, gamma, alpha);
            assertWithinUlps(computed, ExactLosses.focalBceLogit(z, x, gamma, alpha), ULPS,
                "gamma=" + gamma + " alpha=" + alpha + " z=" + z + " x=" + x);
          }
        }
      }
    }
  }

  @Test
  void focalReproducesTorchvisionExample() {
    // torchvision.ops.sigmoid_focal_loss(x, t, alpha=0.25, gamma=2), float64, x = [2, -1], t = [1, 0]
    double positive = BinaryCrossEntropy.focalFromLogit(1, 2, 2, 0.25);
    double negative = BinaryCrossEntropy.focalFromLogit(0, -1, 2, 0.25);
    double p1 = 1 / (1 + Math.exp(-2));
    double p2 = 1 / (1 + Math.exp(1));
    assertThat(positive).isCloseTo(0.25 * Math.pow(1 - p1, 2) * -Math.log(p1), within(1e-15));
    assertThat(negative).isCloseTo(0.75 * Math.pow(p2, 2) * -Math.log(1 - p2), within(1e-15));
  }

  @Test
  void referenceValuesFromLogits() {
    double[] logits = {12, 3, 1, -1};
    double[] labels = {1, 0, 0, 1};
    double[] expected = {6.14419348e-06, 3.04858735, 1.31326169, 1.31326169};
    for (int i = 0; i < logits.length; i++) {
      assertThat(BinaryCrossEntropy.fromLogit(labels[i], logits[i]))
          .isCloseTo(expected[i], within(expected[i] * 1e-8));
    }
    double[] labels2 = {0, 1, 0, 0};
    double[] logits2 = {-18.6, 0.51, 2.94, -12.8};
    assertThat(BinaryCrossEntropy.meanFromLogits(labels2, logits2, 0))
        .isCloseTo(0.8654579497810972, within(2 * Math.ulp(0.8654579497810972)));
  }

  @Test
  void referenceValuesKerasMultiLabel() {
    double[][] predictions = {{0.5, 0.4, 0.3}, {0.3, 0.2, 0.5}};
    double[][] targets = {{0, 1, 0}, {1, 0, 0}};
    double row0 = BinaryCrossEntropy.meanFromProbabilities(targets[0], predictions[0], ProbabilityCompat.KERAS);
    double row1 = BinaryCrossEntropy.meanFromProbabilities(targets[1], predictions[1], ProbabilityCompat.KERAS);
    assertThat(row0).isCloseTo(0.65537095, within(1e-8));
    assertThat(row1).isCloseTo(0.70675451, within(1e-8));
    assertThat(row0 + row1).isCloseTo(1.3621254641909746, within(2 * Math.ulp(1.36)));
    assertThat((row0 + row1) / 2).isCloseTo(0.6810627320954873, within(2 * Math.ulp(0.68)));
    double logits0 = BinaryCrossEntropy.meanFromLogits(targets[0], predictions[0], 0);
    double logits1 = BinaryCrossEntropy.meanFromLogits(targets[1], predictions[1], 0);
    assertThat((logits0 + logits1) / 2).isCloseTo(0.7780030965131354, within(2 * Math.ulp(0.77)));
  }

  @Test
  void referenceValuesScikitLearn() {
    double[] labels = {1, 0, 0, 1};
    double[] probabilities = {.9, .1, .2, .65};
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      sum += BinaryCrossEntropy.fromProbability(labels[i], probabilities[i], ProbabilityCompat.SKLEARN);
    }
    assertThat(sum / 4).isCloseTo(0.21616187468057912, within(2 * Math.ulp(0.216)));
  }

  @Test
  void probabilityConventionsMatchExactValue() {
    double[] probabilities = {0, 1e-300, 1e-17, 1e-16, 1e-15, 1e-8, 1e-7, 0.1, 0.3, 0.5, 0.7, 0.9999999,
        1 - 1e-12, 1 - 1e-16, 1};
    ProbabilityCompat[] conventions = {
        ProbabilityCompat.KERAS, ProbabilityCompat.SKLEARN, ProbabilityCompat.SPARK_MLLIB,
        ProbabilityCompat.TORCH, ProbabilityCompat.keras(1e-3)};
    for (ProbabilityCompat compat : conventions) {
      for (double z : LABELS) {
        for (double p : probabilities) {
          assertWithinUlps(
              BinaryCrossEntropy.fromProbability(z, p, compat), ExactLosses.bceProbability(z, p, compat), ULPS,
              compat + " z=" + z + " p=" + p);
        }
      }
    }
    SplittableRandom random = new SplittableRandom(17);
    for (int i = 0; i < 5_000; i++) {
      ProbabilityCompat compat = conventions[i % conventions.length];
      double z = random.nextDouble();
      double p = Math.pow(random.nextDouble(), 1 + random.nextInt(30));
      p = i % 2 == 0 ? p : 1 - p;
      assertWithinUlps(
          BinaryCrossEntropy.fromProbability(z, p, compat), ExactLosses.bceProbability(z, p, compat), ULPS,
          compat + " z=" + z + " p=" + p);
    }
  }

  @Test
  void conventionsDifferWhereTheLibrariesDiffer() {
    assertThat(BinaryCrossEntropy.fromProbability(1, 0, ProbabilityCompat.KERAS)).isCloseTo(-Math.log(1e-7), within(1e-12));
    assertThat(BinaryCrossEntropy.fromProbability(1, 0, ProbabilityCompat.SPARK_MLLIB)).isCloseTo(-Math.log(1e-15), within(1e-12));
    assertThat(BinaryCrossEntropy.fromProbability(1, 0, ProbabilityCompat.SKLEARN)).isCloseTo(-Math.log(Math.ulp(1.0)), within(1e-12));
    assertThat(BinaryCrossEntropy.fromProbability(1, 0, ProbabilityCompat.TORCH)).isEqualTo(100.0);
    assertThat(BinaryCrossEntropy.fromProbability(0, 1, ProbabilityCompat.TORCH)).isEqualTo(100.0);
    assertThat(BinaryCrossEntropy.fromProbability(0, 0, ProbabilityCompat.keras(0))).isEqualTo(0.0);
    assertThat(BinaryCrossEntropy.fromProbability(1, 0, ProbabilityCompat.keras(0))).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void invalidArgumentsNameArgumentValueAndRange() {
    assertThatThrownBy(() -> BinaryCrossEntropy.fromLogit(1.5, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("label = 1.5 is invalid; expected a number in [0, 1]");
    assertThatThrownBy(() -> BinaryCrossEntropy.fromLogit(-0.25, 0)).hasMessageContaining("label = -0.25");
    assertThatThrownBy(() -> BinaryCrossEntropy.fromProbability(1, 1.25))
        .hasMessage("probability = 1.25 is invalid; expected a probability in [0, 1]");
    assertThatThrownBy(() -> BinaryCrossEntropy.fromLogit(1, 0, 2)).hasMessageContaining("label_smoothing = 2.0");
    assertThatThrownBy(() -> BinaryCrossEntropy.weightedFromLogit(1, 0, -1)).hasMessageContaining("pos_weight = -1.0");
    assertThatThrownBy(() -> BinaryCrossEntropy.focalFromLogit(1, 0, -2)).hasMessageContaining("gamma = -2.0");
    assertThatThrownBy(() -> BinaryCrossEntropy.focalFromLogit(1, 0, 2, 1.5)).hasMessageContaining("alpha = 1.5");
    assertThatThrownBy(() -> ProbabilityCompat.keras(0.5)).hasMessageContaining("epsilon = 0.5");
    assertThatThrownBy(() -> ProbabilityCompat.named("tf"))
        .hasMessage("compat = 'tf' is invalid; expected 'keras', 'sklearn', 'spark_mllib' or 'torch', or an epsilon");
    assertThatThrownBy(() -> BinaryCrossEntropy.meanFromLogits(new double[] {1, 0}, new double[] {1}, 0))
        .hasMessage("logits = an array of 1 elements is invalid; expected as many elements as labels (2)");
    assertThatThrownBy(() -> BinaryCrossEntropy.meanFromLogits(new double[0], new double[0], 0))
        .hasMessageContaining("an empty array");
    assertThat(new InvalidInputException("label", 2, "x").inFunction("bce_logits").getMessage())
        .startsWith("bce_logits: label = 2.0");
  }

  /** Logits spread over every binade a model can produce, both signs. */
  static double randomLogit(SplittableRandom random) {
    switch (random.nextInt(4)) {
      case 0:
        return random.nextGaussian() * 5;
      case 1:
        return (random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextDouble() * 600 - 300);
      case 2:
        return (random.nextDouble() - 0.5) * 1600;
      default:
        return random.nextGaussian() * 40;
    }
  }
}
