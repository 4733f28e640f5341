package io.sparkxent.spark.dataset;

import java.io.Serializable;

/**
 * A row of categorical predictions for the typed {@link LossAggregator}s: a class index or dense
 * labels, class logits or probabilities, and an optional weight.
 */
public class CategoricalPrediction implements Serializable {
  private static final long serialVersionUID = 1L;

  private Double classIndex;
  private double[] labels;
  private double[] logits;
  private double[] probabilities;
  private Double weight;

  public CategoricalPrediction() {}

  public Double getClassIndex() {
    return classIndex;
  }

  public void setClassIndex(Double classIndex) {
    this.classIndex = classIndex;
  }

  public double[] getLabels() {
    return labels;
  }

  public void setLabels(double[] labels) {
    this.labels = labels;
  }

  public double[] getLogits() {
    return logits;
  }

  public void setLogits(double[] logits) {
    this.logits = logits;
  }

  public double[] getProbabilities() {
    return probabilities;
  }

  public void setProbabilities(double[] probabilities) {
    this.probabilities = probabilities;
  }

  public Double getWeight() {
    return weight;
  }

  public void setWeight(Double weight) {
    this.weight = weight;
  }
}
