package io.sparkxent.spark;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A per-row loss as a Spark function: picks the overload that fits the argument types and binds
 * it to the {@code Strict} (ANSI: invalid input raises) or {@code OrNull} (non-ANSI: invalid input
 * gives NULL) class of the function, as {@code spark.sql.ansi.enabled} says when the query is
 * analysed, the way Spark's own arithmetic captures its evaluation mode.
 */
abstract class LossFunction implements XentFunction {
  private final String name;
  private final String summary;
  private final List<Overload> overloads;
  private final LossBound.Factory strict;
  private final LossBound.Factory orNull;

  LossFunction(
      String name,
      String summary,
      List<String> signatures,
      LossBound.Factory strict,
      LossBound.Factory orNull) {
    this.name = name;
    this.summary = summary;
    this.overloads = signatures.stream().map(Overload::of).collect(Collectors.toUnmodifiableList());
    this.strict = strict;
    this.orNull = orNull;
  }

  /** The accepted argument lists, in the order {@link #bind} tries them. */
  List<Overload> overloads() {
    return overloads;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return usage();
  }

  @Override
  public String usage() {
    return overloads.stream()
        .map(overload -> name + overload.argumentList())
        .collect(Collectors.joining("\n    ", "", " - " + summary));
  }

  @Override
  public String group() {
    return "math_funcs";
  }

  @Override
  public BoundFunction bind(StructType inputType) {
    StructField[] fields = inputType.fields();
    DataType[] actual = new DataType[fields.length];
    for (int i = 0; i < fields.length; i++) {
      actual[i] = fields[i].dataType();
    }
    for (Overload overload : overloads) {
      if (overload.accepts(actual)) {
        DataType[] declared = overload.declaredTypes(actual);
        // Object arguments (arrays, vectors, strings) reach invoke even when NULL, so the result
        // can be NULL in either mode; numbers are null-checked by Spark before the call.
        boolean objectArgument =
            java.util.Arrays.stream(declared).anyMatch(type -> type != DataTypes.DoubleType);
        return SQLConf.get().ansiEnabled()
            ? strict.create(declared, objectArgument)
            : orNull.create(declared, true);
      }
    }
    throw new UnsupportedOperationException(mismatch(fields));
  }

  /** What was given, what is accepted: the message a SQL user sees for a wrong call. */
  private String mismatch(StructField[] fields) {
    String given = java.util.Arrays.stream(fields)
        .map(field -> field.dataType().simpleString())
        .collect(Collectors.joining(", ", "(", ")"));
    String accepted = overloads.stream()
        .map(overload -> name + "(" + overload.describe() + ")")
        .collect(Collectors.joining("; "));
    return name + " got " + fields.length + " argument(s) of type " + given + "; it takes "
        + accepted + ". Cast other types, e.g. CAST(label AS DOUBLE)";
  }
}
