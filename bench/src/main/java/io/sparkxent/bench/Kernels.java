package io.sparkxent.bench;

import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.math.ExactSum;
import io.sparkxent.math.Logistic;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Kernel microbenchmarks, ns per element over 4096 generated rows: the loss, softplus, the naive
 * formula users write (for reference), and the exact accumulator's add and merge.
 * {@code scripts/bench.sh --micro}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Kernels {
  private static final int N = 4096;
  private final double[] labels = new double[N];
  private final double[] logits = new double[N];
  private final double[] losses = new double[N];
  private ExactSum partial;
  private final ExactSum running = new ExactSum();

  @Setup
  public void generate() {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < N; i++) {
      labels[i] = random.nextInt(2);
      logits[i] = random.nextGaussian() * 3;
      losses[i] = BinaryCrossEntropy.fromLogit(labels[i], logits[i]);
    }
    partial = new ExactSum();
    for (double loss : losses) {
      partial.add(loss);
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public double bceLogits() {
    double sum = 0;
    for (int i = 0; i < N; i++) {
      sum += BinaryCrossEntropy.fromLogit(labels[i], logits[i]);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public double focalBceLogits() {
    double sum = 0;
    for (int i = 0; i < N; i++) {
      sum += BinaryCrossEntropy.focalFromLogit(labels[i], logits[i], 2.0, 0.25);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public double naiveFormulaWithLog1p() {
    double sum = 0;
    for (int i = 0; i < N; i++) {
      double x = logits[i];
      sum += Math.max(x, 0) - x * labels[i] + Math.log1p(Math.exp(-Math.abs(x)));
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public double softplus() {
    double sum = 0;
    for (int i = 0; i < N; i++) {
      sum += Logistic.softplus(logits[i]);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public ExactSum exactSumAdd() {
    // a long-lived accumulator, as in an aggregation: the cost of adding, not of rounding
    for (int i = 0; i < N; i++) {
      running.add(losses[i]);
    }
    return running;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public double plainSumAdd() {
    double sum = 0;
    for (int i = 0; i < N; i++) {
      sum += losses[i];
    }
    return sum;
  }

  @Benchmark
  public ExactSum exactSumMerge() {
    ExactSum sum = new ExactSum();
    sum.merge(partial);
    sum.merge(partial);
    return sum;
  }
}
