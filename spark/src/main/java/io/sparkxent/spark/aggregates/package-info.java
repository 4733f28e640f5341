/**
 * The exact SQL aggregates {@code loss_sum}, {@code loss_mean} and {@code loss_stats}: Spark V2
 * aggregate functions over a {@code LossState}, whichever route plans them.
 */
package io.sparkxent.spark.aggregates;
