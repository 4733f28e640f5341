package io.sparkxent.spark;

import io.sparkxent.math.InvalidInputException;
import java.util.function.Supplier;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * A loss function bound to one argument list. Subclasses carry the static {@code invoke} methods
 * (Spark's "magic method", called directly from whole-stage generated code through {@code
 * StaticInvoke}): {@code Strict} ones throw on invalid input (ANSI mode), {@code OrNull} ones return
 * NULL. Spark looks the method up on the subclass by the declared input types, so each subclass
 * has one {@code invoke} per argument list of its function.
 */
abstract class LossBound implements ScalarFunction<Double> {
  private final String name;
  private final boolean strict;
  private final DataType[] inputTypes;
  private final boolean resultNullable;

  LossBound(String name, boolean strict, DataType[] inputTypes, boolean resultNullable) {
    this.name = name;
    this.strict = strict;
    this.inputTypes = inputTypes;
    this.resultNullable = resultNullable;
  }

  /**
   * A strict loss, or NULL where its input is invalid: the body of every {@code OrNull.invoke}.
   * Only non-ANSI sessions take this path.
   */
  static Double orNull(Supplier<Double> strictLoss) {
    try {
      return strictLoss.get();
    } catch (InvalidInputException e) {
      return null;
    }
  }

  /** Creates a bound function of one subclass for the declared input types. */
  @FunctionalInterface
  interface Factory {
    LossBound create(DataType[] inputTypes, boolean resultNullable);
  }

  @Override
  public DataType[] inputTypes() {
    return inputTypes.clone();
  }

  @Override
  public DataType resultType() {
    return DataTypes.DoubleType;
  }

  @Override
  public boolean isResultNullable() {
    return resultNullable;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String canonicalName() {
    // the two variants behave differently on invalid input, so they must not compare equal
    return "xent." + name + (strict ? "" : ".or_null");
  }
}
