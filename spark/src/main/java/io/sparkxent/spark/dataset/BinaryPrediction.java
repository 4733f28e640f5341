package io.sparkxent.spark.dataset;

import java.io.Serializable;

/**
 * A row of binary predictions for the typed {@link LossAggregator}s ({@code
 * Encoders.bean(BinaryPrediction.class)}): a label in [0, 1] with a logit or a probability, and
 * an optional weight. Read a table into it with {@code df.as(Encoders.bean(BinaryPrediction.class))}
 * after selecting or aliasing these column names.
 */
public class BinaryPrediction implements Serializable {
  private static final long serialVersionUID = 1L;

  private Double label;
  private Double logit;
  private Double probability;
  private Double weight;

  public BinaryPrediction() {}

  public BinaryPrediction(Double label, Double logit, Double probability, Double weight) {
    this.label = label;
    this.logit = logit;
    this.probability = probability;
    this.weight = weight;
  }

  public Double getLabel() {
    return label;
  }

  public void setLabel(Double label) {
    this.label = label;
  }

  public Double getLogit() {
    return logit;
  }

  public void setLogit(Double logit) {
    this.logit = logit;
  }

  public Double getProbability() {
    return probability;
  }

  public void setProbability(Double probability) {
    this.probability = probability;
  }

  public Double getWeight() {
    return weight;
  }

  public void setWeight(Double weight) {
    this.weight = weight;
  }
}
