package io.sparkxent.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DoubleDoubleTest {
  /** The documented accuracy of exp (relative) and log (absolute, where |log| <= 1). */
  private static final double RELATIVE = Math.scalb(1.0, -80);

  private static double relativeError(DoubleDouble computed, BigDecimal exact) {
    BigDecimal value = new BigDecimal(computed.hi).add(new BigDecimal(computed.lo));
    return value.subtract(exact).abs().divide(exact.abs(), MathContext.DECIMAL64).doubleValue();
  }

  @Test
  void expIsAccurateTo80BitsOverTheWholeRange() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 2_000; i++) {
      // below e^-650 (1e-282) the low part is subnormal and the precision drops with it
      double x = i % 2 == 0 ? random.nextDouble(-650, 709) : random.nextGaussian() * 3;
      DoubleDouble computed = DoubleDouble.of(x).exp();
      assertThat(relativeError(computed, Exact.exp(Exact.of(x)))).as("exp(%s)", x).isLessThan(RELATIVE);
    }
    assertThat(DoubleDouble.of(710).exp().hi).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(DoubleDouble.of(-746).exp().hi).isEqualTo(0.0);
  }

  @Test
  void logIsAccurateTo80BitsAbsolute() {
    SplittableRandom random = new SplittableRandom(4);
    for (int i = 0; i < 2_000; i++) {
      double a = i % 3 == 0 ? 1 + random.nextGaussian() * 1e-9 : Math.scalb(random.nextDouble() + 0.5, random.nextInt(-1070, 1000));
      DoubleDouble computed = DoubleDouble.of(a).log();
      BigDecimal exact = Exact.log(Exact.of(a));
      BigDecimal error = new BigDecimal(computed.hi).add(new BigDecimal(computed.lo)).subtract(exact).abs();
      BigDecimal scale = exact.abs().max(BigDecimal.ONE);
      assertThat(error.divide(scale, MathContext.DECIMAL64).doubleValue()).as("log(%s)", a).isLessThan(RELATIVE);
    }
  }

  @Test
  void arithmeticIsExactWhereItClaimsToBe() {
    DoubleDouble sum = DoubleDouble.sum(1.0, 1e-30);
    assertThat(sum.hi).isEqualTo(1.0);
    assertThat(sum.lo).isEqualTo(1e-30);
    DoubleDouble product = DoubleDouble.product(1 + Math.ulp(1.0), 1 + Math.ulp(1.0));
    assertThat(new BigDecimal(product.hi).add(new BigDecimal(product.lo)))
        .isEqualTo(new BigDecimal(1 + Math.ulp(1.0)).pow(2));
    DoubleDouble third = DoubleDouble.ONE.dividedBy(DoubleDouble.of(3));
    assertThat(relativeError(third.times(3), BigDecimal.ONE)).isLessThan(Math.scalb(1.0, -100));
    assertThat(DoubleDouble.of(0.5).pow(3).value()).isEqualTo(0.125);
    assertThat(DoubleDouble.of(0).pow(2).value()).isEqualTo(0.0);
    assertThat(DoubleDouble.of(0.3).pow(0).value()).isEqualTo(1.0);
  }
}
