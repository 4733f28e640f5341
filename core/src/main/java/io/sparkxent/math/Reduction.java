package io.sparkxent.math;

import io.sparkxent.math.LossState;

/**
 * How per-row losses reduce to one number, and the libraries each one reproduces.
 *
 * <ul>
 *   <li>{@code SUM}: {@code sum(w*loss)}: Keras {@code SUM}, PyTorch {@code reduction='sum'},
 *       scikit-learn {@code normalize=False}.
 *   <li>{@code MEAN}: {@code sum(w*loss) / rows}: Keras {@code SUM_OVER_BATCH_SIZE} (also with
 *       sample weights), PyTorch {@code reduction='mean'}.
 *   <li>{@code WEIGHTED_MEAN}: {@code sum(w*loss) / sum(w)}: scikit-learn {@code sample_weight},
 *       MLlib {@code weightCol}, TFMA, PyTorch {@code mean} with class weights.
 * </ul>
 *
 * Without weights, w is 1 and MEAN and WEIGHTED_MEAN agree. All three are correctly rounded.
 */
public enum Reduction {
  SUM,
  MEAN,
  WEIGHTED_MEAN;

  /** The reduced value of a state, or null where it is undefined (no rows, no weight). */
  public Double of(LossState state) {
    if (state.rows() == 0) {
      return null;
    }
    switch (this) {
      case SUM:
        return state.sum();
      case MEAN:
        return state.mean();
      default:
        double mean = state.weightedMean();
        return Double.isNaN(mean) && state.weightSum() == 0 ? null : mean;
    }
  }
}
