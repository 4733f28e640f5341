/**
 * Java UDFs for sessions that cannot load the extension ({@code spark.udf().registerJava}, PySpark's
 * {@code registerJavaFunction}): {@code <Name>Udf} per loss, generated, and {@code JavaUdfs}.
 */
package io.sparkxent.spark.udf;
