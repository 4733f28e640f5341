package io.sparkxent.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExactSumTest {
  static double wideRandom(SplittableRandom random) {
    double magnitude = Math.scalb(1 + random.nextDouble(), random.nextInt(2098) - 1074);
    if (random.nextInt(20) == 0) {
      magnitude = Double.longBitsToDouble(random.nextLong(1, 1L << 52)); // subnormal
    }
    return random.nextBoolean() ? magnitude : -magnitude;
  }

  @Test
  void resultIsTheCorrectlyRoundedExactSum() {
    SplittableRandom random = new SplittableRandom(42);
    for (int trial = 0; trial < 300; trial++) {
      ExactSum sum = new ExactSum();
      BigDecimal exact = BigDecimal.ZERO;
      int n = 1 + random.nextInt(200);
      int band = random.nextInt(4);
      for (int i = 0; i < n; i++) {
        double x = band == 0 ? wideRandom(random)
            : band == 1 ? random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20)
            : band == 2 ? Math.scalb(random.nextDouble(), -1070) // all in the subnormal range
            : (i % 2 == 0 ? 1e300 : -1e300) + random.nextDouble(); // cancellation
        sum.add(x);
        exact = exact.add(new BigDecimal(x));
      }
      assertThat(sum.result()).as("trial %d", trial).isEqualTo(Exact.correctlyRounded(exact));
    }
  }

  @Test
  void tiesRoundToEven() {
    ExactSum sum = new ExactSum();
    sum.add(1.0);
    sum.add(Math.ulp(1.0) / 2); // exactly half-way between 1 and 1 + ulp: stays at 1 (even)
    assertThat(sum.result()).isEqualTo(1.0);
    sum.add(Math.ulp(1.0)); // 1 + 1.5 ulp: half-way between 1 + ulp and 1 + 2 ulp: goes to 1 + 2 ulp
    assertThat(sum.result()).isEqualTo(1.0 + 2 * Math.ulp(1.0));
    ExactSum cancel = new ExactSum();
    cancel.add(1e308);
    cancel.add(1e308);
    cancel.add(-1e308);
    assertThat(cancel.result()).isEqualTo(1e308); // the naive order overflows to infinity
  }

  @Test
  void sumBeyondTheRangeIsInfinite() {
    ExactSum sum = new ExactSum();
    sum.add(Double.MAX_VALUE);
    sum.add(Double.MAX_VALUE);
    assertThat(sum.result()).isEqualTo(Double.POSITIVE_INFINITY);
    sum.add(-Double.MAX_VALUE);
    assertThat(sum.result()).isEqualTo(Double.MAX_VALUE);
  }

  @Test
  void specialValuesFollowIeee() {
    ExactSum sum = new ExactSum();
    sum.add(1);
    sum.add(Double.POSITIVE_INFINITY);
    assertThat(sum.result()).isEqualTo(Double.POSITIVE_INFINITY);
    sum.add(Double.NEGATIVE_INFINITY);
    assertThat(sum.result()).isNaN();
    ExactSum nan = new ExactSum();
    nan.add(Double.NaN);
    assertThat(nan.result()).isNaN();
    ExactSum product = new ExactSum();
    product.addProduct(0, Double.POSITIVE_INFINITY);
    assertThat(product.result()).isNaN();
    assertThat(new ExactSum().result()).isEqualTo(0.0);
    assertThat(new ExactSum().quotient(0)).isNaN();
  }

  @Test
  void orderAndPartitioningDoNotChangeTheState() {
    SplittableRandom random = new SplittableRandom(7);
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      values.add(wideRandom(random));
    }
    ExactSum whole = new ExactSum();
    values.forEach(whole::add);
    Random shuffler = new Random(3);
    for (int trial = 0; trial < 20; trial++) {
      Collections.shuffle(values, shuffler);
      int parts = 1 + shuffler.nextInt(64);
      List<ExactSum> partials = new ArrayList<>();
      for (int p = 0; p < parts; p++) {
        partials.add(new ExactSum());
      }
      for (double v : values) {
        partials.get(shuffler.nextInt(parts)).add(v);
      }
      while (partials.size() > 1) { // merge in a random tree
        ExactSum a = partials.remove(shuffler.nextInt(partials.size()));
        ExactSum b = partials.remove(shuffler.nextInt(partials.size()));
        a.merge(b);
        partials.add(a);
      }
      assertThat(partials.get(0)).isEqualTo(whole);
      assertThat(partials.get(0).toBytes()).isEqualTo(whole.toBytes());
      assertThat(Double.doubleToRawLongBits(partials.get(0).result())).isEqualTo(Double.doubleToRawLongBits(whole.result()));
    }
  }

  @Test
  void mergeIsAssociativeCommutativeWithIdentity() {
    SplittableRandom random = new SplittableRandom(8);
    for (int trial = 0; trial < 100; trial++) {
      ExactSum a = randomSum(random);
      ExactSum b = randomSum(random);
      ExactSum c = randomSum(random);
      ExactSum left = a.copy();
      left.merge(b);
      left.merge(c);
      ExactSum bc = b.copy();
      bc.merge(c);
      ExactSum right = a.copy();
      right.merge(bc);
      assertThat(left).isEqualTo(right);
      ExactSum ab = a.copy();
      ab.merge(b);
      ExactSum ba = b.copy();
      ba.merge(a);
      assertThat(ab).isEqualTo(ba);
      ExactSum withEmpty = a.copy();
      withEmpty.merge(new ExactSum());
      assertThat(withEmpty).isEqualTo(a);
      assertThat(ExactSum.fromBytes(a.toBytes())).isEqualTo(a);
      assertThat(ExactSum.fromBytes(a.toBytes()).result()).isEqualTo(a.result());
    }
  }

  @Test
  void cancellingToZeroIsTheEmptyState() {
    ExactSum sum = new ExactSum();
    sum.add(3.5e-300);
    sum.add(1e10);
    sum.add(-3.5e-300);
    sum.add(-1e10);
    assertThat(sum).isEqualTo(new ExactSum());
    assertThat(sum.toBytes()).isEqualTo(new ExactSum().toBytes());
  }

  @Test
  void productsAndWeightedSquaresAreExact() {
    SplittableRandom random = new SplittableRandom(9);
    for (int trial = 0; trial < 200; trial++) {
      ExactSum products = new ExactSum();
      ExactSum squares = new ExactSum();
      BigDecimal exactProducts = BigDecimal.ZERO;
      BigDecimal exactSquares = BigDecimal.ZERO;
      for (int i = 0; i < 50; i++) {
        double w = Math.abs(wideRandom(random)) / (trial % 2 == 0 ? 1 : 1e150);
        double x = trial % 3 == 0 ? wideRandom(random) : random.nextGaussian() * 1e-160;
        products.addProduct(w, x);
        squares.addWeightedSquare(w, x);
        exactProducts = exactProducts.add(new BigDecimal(w).multiply(new BigDecimal(x)));
        exactSquares = exactSquares.add(new BigDecimal(w).multiply(new BigDecimal(x).pow(2)));
      }
      assertThat(products.result()).isEqualTo(Exact.correctlyRounded(exactProducts));
      assertThat(squares.result()).isEqualTo(Exact.correctlyRounded(exactSquares));
    }
  }

  @Test
  void quotientsAreRoundedOnce() {
    SplittableRandom random = new SplittableRandom(10);
    MathContext wide = new MathContext(1200, RoundingMode.HALF_EVEN);
    for (int trial = 0; trial < 300; trial++) {
      ExactSum sum = randomSum(random);
      BigDecimal exact = exactValue(sum);
      long count = 1 + random.nextInt(1_000_000);
      assertThat(sum.quotient(count)).isEqualTo(Exact.correctlyRounded(exact.divide(BigDecimal.valueOf(count), wide)));
      ExactSum denominator = randomSum(random);
      BigDecimal exactDenominator = exactValue(denominator);
      if (exactDenominator.signum() != 0) {
        assertThat(sum.quotient(denominator)).isEqualTo(Exact.correctlyRounded(exact.divide(exactDenominator, wide)));
      }
    }
  }

  private static BigDecimal exactValue(ExactSum sum) {
    BigDecimal scale = sum.scale() >= 0 ? new BigDecimal(java.math.BigInteger.TWO.pow(sum.scale()))
        : BigDecimal.ONE.divide(new BigDecimal(java.math.BigInteger.TWO.pow(-sum.scale())));
    return new BigDecimal(sum.exactDigits()).multiply(scale);
  }

  private static ExactSum randomSum(SplittableRandom random) {
    ExactSum sum = new ExactSum();
    int n = random.nextInt(30);
    for (int i = 0; i < n; i++) {
      sum.add(i % 2 == 0 ? wideRandom(random) : random.nextGaussian());
    }
    return sum;
  }
}
