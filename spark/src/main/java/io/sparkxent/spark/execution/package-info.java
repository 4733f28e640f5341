/**
 * Internal: how our exact aggregates are planned and run (the planner strategy, the partial and
 * final operators, the per-group states fed from generated code). Nothing here is a public API;
 * it may change in any release and differs between Spark lines, as Spark's own {@code
 * org.apache.spark.sql.execution} does. Users reach it only through the SQL aggregates and the
 * setting {@code spark.xent.exactAggregatePlanning.enabled}.
 */
package io.sparkxent.spark.execution;
