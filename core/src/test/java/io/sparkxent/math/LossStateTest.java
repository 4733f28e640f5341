package io.sparkxent.math;

import static io.sparkxent.math.Exact.correctlyRounded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LossStateTest {
  private static final MathContext WIDE = new MathContext(400, RoundingMode.HALF_EVEN);

  @Test
  void mergeOfPartsEqualsStateOfTheUnion() {
    SplittableRandom random = new SplittableRandom(1);
    for (boolean weighted : new boolean[] {false, true}) {
      for (int trial = 0; trial < 50; trial++) {
        LossState whole = new LossState(weighted, true);
        LossState a = new LossState(weighted, true);
        LossState b = new LossState(weighted, true);
        for (int i = 0; i < 200; i++) {
          double loss = Math.abs(random.nextGaussian()) * Math.pow(10, random.nextInt(60) - 30);
          double weight = random.nextDouble() * 3;
          LossState part = random.nextBoolean() ? a : b;
          if (weighted) {
            whole.add(loss, weight);
            part.add(loss, weight);
          } else {
            whole.add(loss);
            part.add(loss);
          }
        }
        LossState ab = LossState.fromBytes(a.toBytes()).merge(b);
        LossState ba = LossState.fromBytes(b.toBytes()).merge(a);
        assertThat(ab).isEqualTo(whole).isEqualTo(ba);
        assertThat(ab.toBytes()).isEqualTo(whole.toBytes());
        assertThat(Double.doubleToRawLongBits(ab.stddev())).isEqualTo(Double.doubleToRawLongBits(whole.stddev()));
        assertThat(LossState.fromBytes(new LossState(weighted, true).toBytes()).merge(whole)).isEqualTo(whole);
      }
    }
  }

  @Test
  void statisticsMatchExactArithmetic() {
    SplittableRandom random = new SplittableRandom(2);
    for (int trial = 0; trial < 100; trial++) {
      LossState plain = new LossState(false, true);
      LossState weighted = new LossState(true, true);
      BigDecimal n = BigDecimal.ZERO;
      BigDecimal w = BigDecimal.ZERO;
      BigDecimal v = BigDecimal.ZERO;
      BigDecimal s = BigDecimal.ZERO;
      BigDecimal q = BigDecimal.ZERO;
      BigDecimal sw = BigDecimal.ZERO;
      BigDecimal qw = BigDecimal.ZERO;
      int rows = 2 + random.nextInt(100);
      for (int i = 0; i < rows; i++) {
        double loss = 0.3 + random.nextDouble() * (trial % 2 == 0 ? 1e-9 : 5); // near-constant losses stress cancellation
        double weight = random.nextInt(4) + random.nextDouble();
        plain.add(loss);
        weighted.add(loss, weight);
        BigDecimal x = new BigDecimal(loss);
        BigDecimal wt = new BigDecimal(weight);
        n = n.add(BigDecimal.ONE);
        s = s.add(x);
        q = q.add(x.multiply(x));
        w = w.add(wt);
        v = v.add(wt.multiply(wt));
        sw = sw.add(wt.multiply(x));
        qw = qw.add(wt.multiply(x).multiply(x));
      }
      assertThat(plain.mean()).isEqualTo(correctlyRounded(s.divide(n, WIDE)));
      assertThat(plain.sum()).isEqualTo(correctlyRounded(s));
      assertThat(weighted.weightedMean()).isEqualTo(correctlyRounded(sw.divide(w, WIDE)));
      assertThat(weighted.weightSum()).isEqualTo(correctlyRounded(w));
      BigDecimal variance = n.multiply(q).subtract(s.multiply(s)).divide(n.multiply(n).subtract(n), WIDE);
      assertThat(plain.stddev()).isEqualTo(Math.sqrt(correctlyRounded(variance)));
      BigDecimal weightedVariance = w.multiply(qw).subtract(sw.multiply(sw)).divide(w.multiply(w).subtract(v), WIDE);
      assertThat(weighted.stddev()).isEqualTo(Math.sqrt(correctlyRounded(weightedVariance)));
      assertThat(plain.standardError()).isEqualTo(plain.stddev() / Math.sqrt(rows));
    }
  }

  @Test
  void javaSerializationYieldsPlainBytesThatReadBack() throws Exception {
    LossState state = new LossState(true, true);
    state.add(0.25, 2.0);
    state.add(1e-300, 0.5);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(state);
    }
    Object read;
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      read = in.readObject();
    }
    assertThat(read).isInstanceOf(byte[].class);
    assertThat(LossState.from(read)).isEqualTo(state);
    assertThat(LossState.from(state)).isSameAs(state);
  }

  @Test
  void emptyAndDegenerateStatesGiveNan() {
    LossState empty = new LossState(true, true);
    assertThat(empty.rows()).isZero();
    assertThat(empty.mean()).isNaN();
    assertThat(empty.weightedMean()).isNaN();
    assertThat(empty.stddev()).isNaN();
    assertThat(empty.min()).isNaN();
    LossState zeroWeight = new LossState(true, true);
    zeroWeight.add(1.0, 0.0);
    assertThat(zeroWeight.weightedMean()).isNaN();
    LossState one = new LossState(false, true);
    one.add(2.0);
    assertThat(one.mean()).isEqualTo(2.0);
    assertThat(one.stddev()).isNaN();
    assertThat(one.min()).isEqualTo(2.0);
  }

  @Test
  void badWeightsAreRejectedWithTheirValue() {
    LossState state = new LossState(true, false);
    assertThatThrownBy(() -> state.add(1, -1)).hasMessage("weight = -1.0 is invalid; expected a finite number >= 0");
    assertThatThrownBy(() -> state.add(1, Double.NaN)).hasMessageContaining("weight = NaN");
    assertThatThrownBy(() -> state.add(1, Double.POSITIVE_INFINITY)).hasMessageContaining("weight = Infinity");
    assertThatThrownBy(() -> new LossState(true, false).merge(new LossState(false, false)))
        .hasMessageContaining("cannot merge");
  }
}
