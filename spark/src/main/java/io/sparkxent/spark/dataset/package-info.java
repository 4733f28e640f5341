/** The typed Dataset API: {@code LossAggregator} and the prediction beans it reads. */
package io.sparkxent.spark.dataset;
