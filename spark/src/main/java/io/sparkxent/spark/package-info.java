/**
 * The entry points of the Spark layer: the session extension ({@link
 * io.sparkxent.spark.XentSessionExtensions}, found through {@code META-INF/services}), the function
 * catalog, the registry of functions with the loss descriptors, the settings, and the one column
 * quoting rule. Each concern below has its package: {@code functions} (per-row losses), {@code
 * aggregates} (exact SQL aggregates), {@code execution} (internal planning), {@code dataset} (typed
 * Aggregators), {@code udf} (Java UDFs).
 */
package io.sparkxent.spark;
