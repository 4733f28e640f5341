package io.sparkxent.spark.dataset;

import io.sparkxent.spark.functions.BceFunction;
import io.sparkxent.spark.functions.BceLogitsFunction;
import io.sparkxent.spark.functions.CceLogitsFunction;
import io.sparkxent.math.Reduction;
import io.sparkxent.spark.functions.SparseCceFunction;
import io.sparkxent.spark.functions.SparseCceLogitsFunction;
import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.math.CategoricalCrossEntropy;
import io.sparkxent.math.InvalidInputException;
import io.sparkxent.math.LossState;
import io.sparkxent.math.ProbabilityCompat;
import java.io.Serializable;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;

/**
 * A typed Aggregator for the Dataset API: computes each row's loss with the kernels and reduces
 * the losses exactly ({@link LossState}) with the {@link Reduction} chosen at construction, so the
 * result has the same bits for any partitioning or row order.
 *
 * <pre>{@code
 * Dataset<BinaryPrediction> preds = df.as(Encoders.bean(BinaryPrediction.class));
 * Double mean = preds.select(LossAggregator.bceLogits(Reduction.MEAN).toColumn()).first();
 * preds.groupByKey(p -> ..., Encoders.STRING()).agg(LossAggregator.bceLogits(Reduction.SUM).toColumn());
 * spark.udf().register("bce_mean", functions.udaf(LossAggregator.bceLogits(Reduction.MEAN),
 *     Encoders.bean(BinaryPrediction.class)));
 * }</pre>
 *
 * <p>The factories ({@link #bceLogits}, ...) are unweighted; {@link #weighted()} reads the beans'
 * weight. Rows whose loss is NULL (a NULL label or prediction) or, weighted, whose weight is NULL
 * are skipped, as the SQL aggregates skip them; invalid input and NaN, negative or infinite
 * weights raise an error naming the value.
 *
 * @param <IN> the typed row
 */
public final class LossAggregator<IN> extends Aggregator<IN, Serializable, Double> {
  private static final long serialVersionUID = 1L;

  /** A row's loss, or null to skip the row. */
  @FunctionalInterface
  public interface RowLoss<IN> extends Serializable {
    Double of(IN row);
  }

  /** A row's weight; a row whose weight is null is skipped, as in the SQL aggregates. */
  @FunctionalInterface
  public interface RowWeight<IN> extends Serializable {
    Double of(IN row);
  }

  private final String name;
  private final Reduction reduction;
  private final RowLoss<IN> loss;
  private final RowWeight<IN> weight;
  private final RowWeight<IN> beanWeight;

  /**
   * @param name what error messages call the loss, e.g. {@code bce_logits}
   * @param weight the row weight, or null for unweighted
   */
  public LossAggregator(String name, Reduction reduction, RowLoss<IN> loss, RowWeight<IN> weight) {
    this(name, reduction, loss, weight, weight);
  }

  private LossAggregator(String name, Reduction reduction, RowLoss<IN> loss, RowWeight<IN> weight,
      RowWeight<IN> beanWeight) {
    this.name = name;
    this.reduction = reduction;
    this.loss = loss;
    this.weight = weight;
    this.beanWeight = beanWeight;
  }

  /** {@code bce_logits(label, logit)} of {@link BinaryPrediction} rows. */
  public static LossAggregator<BinaryPrediction> bceLogits(Reduction reduction) {
    return new LossAggregator<>(
        BceLogitsFunction.NAME,
        reduction,
        row -> row.getLabel() == null || row.getLogit() == null
            ? null
            : BinaryCrossEntropy.fromLogit(row.getLabel(), row.getLogit()),
        null, BinaryPrediction::getWeight);
  }

  /** {@code bce(label, probability, compat)} of {@link BinaryPrediction} rows. */
  public static LossAggregator<BinaryPrediction> bce(Reduction reduction, ProbabilityCompat compat) {
    return new LossAggregator<>(
        BceFunction.NAME,
        reduction,
        row -> row.getLabel() == null || row.getProbability() == null
            ? null
            : BinaryCrossEntropy.fromProbability(row.getLabel(), row.getProbability(), compat),
        null, BinaryPrediction::getWeight);
  }

  /** {@code sparse_cce_logits(class_index, logits)} of {@link CategoricalPrediction} rows. */
  public static LossAggregator<CategoricalPrediction> sparseCceLogits(Reduction reduction) {
    return new LossAggregator<>(
        SparseCceLogitsFunction.NAME,
        reduction,
        row -> row.getClassIndex() == null || row.getLogits() == null
            ? null
            : CategoricalCrossEntropy.sparseFromLogits(row.getClassIndex(), row.getLogits()),
        null, CategoricalPrediction::getWeight);
  }

  /** {@code cce_logits(labels, logits)} of {@link CategoricalPrediction} rows. */
  public static LossAggregator<CategoricalPrediction> cceLogits(Reduction reduction) {
    return new LossAggregator<>(
        CceLogitsFunction.NAME,
        reduction,
        row -> row.getLabels() == null || row.getLogits() == null
            ? null
            : CategoricalCrossEntropy.fromLogits(row.getLabels(), row.getLogits()),
        null, CategoricalPrediction::getWeight);
  }

  /** {@code sparse_cce(class_index, probabilities, compat)} of {@link CategoricalPrediction} rows. */
  public static LossAggregator<CategoricalPrediction> sparseCce(
      Reduction reduction, ProbabilityCompat compat) {
    return new LossAggregator<>(
        SparseCceFunction.NAME,
        reduction,
        row -> row.getClassIndex() == null || row.getProbabilities() == null
            ? null
            : CategoricalCrossEntropy.sparseFromProbabilities(
                row.getClassIndex(), row.getProbabilities(), compat),
        null, CategoricalPrediction::getWeight);
  }

  /** The same loss and reduction without weights (every row counts once). */
  public LossAggregator<IN> unweighted() {
    return new LossAggregator<>(name, reduction, loss, null, beanWeight);
  }

  /** The same loss and reduction weighted by the beans' {@code weight} field. */
  public LossAggregator<IN> weighted() {
    return new LossAggregator<>(name, reduction, loss, beanWeight, beanWeight);
  }

  // The buffer is a LossState, typed Serializable because after Spark's serialization it comes back
  // as the byte[] LossState writes itself as (see LossState); LossState.from reads either.
  @Override
  public Serializable zero() {
    return new LossState(weight != null, false);
  }

  @Override
  public Serializable reduce(Serializable buffer, IN row) {
    LossState state = LossState.from(buffer);
    Double value;
    try {
      value = loss.of(row);
    } catch (InvalidInputException e) {
      throw e.inFunction(name);
    }
    if (value == null) {
      return state;
    }
    if (weight == null) {
      state.add(value);
      return state;
    }
    Double w = weight.of(row);
    if (w == null) {
      return state; // the SQL aggregates' rule: a row with a NULL weight is skipped
    }
    try {
      state.add(value, w);
    } catch (InvalidInputException e) {
      throw e.inFunction(name);
    }
    return state;
  }

  @Override
  public Serializable merge(Serializable left, Serializable right) {
    return LossState.from(left).merge(LossState.from(right));
  }

  @Override
  public Double finish(Serializable state) {
    return reduction.of(LossState.from(state));
  }

  @Override
  public Encoder<Serializable> bufferEncoder() {
    return Encoders.javaSerialization(Serializable.class);
  }

  @Override
  public Encoder<Double> outputEncoder() {
    return Encoders.DOUBLE();
  }
}
