/**
 * The per-row losses as Spark functions: one class per SQL name with its descriptor and its
 * {@code @Kernel} methods; the build generates each one's {@code <Name>Bound.Strict} and
 * {@code <Name>Bound.OrNull} classes, whose static {@code invoke} methods Spark calls from
 * generated code.
 */
package io.sparkxent.spark.functions;
