package io.sparkxent.spark.functions;

import java.lang.reflect.Constructor;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * A loss function bound to one argument list. Subclasses carry the static {@code invoke} methods
 * (Spark's "magic method", called directly from whole-stage generated code through {@code
 * StaticInvoke}): {@code Strict} ones throw on invalid input (ANSI mode), {@code OrNull} ones return
 * NULL. Spark looks the method up on the subclass by the declared input types, so each subclass
 * has one {@code invoke} per argument list of its function; the build generates them
 * ({@code io.sparkxent.codegen.KernelProcessor}) from the function's {@code @Kernel} methods.
 */
public abstract class LossBound implements ScalarFunction<Double> {
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

  /** Creates a bound function of one subclass for the declared input types. */
  @FunctionalInterface
  interface Factory {
    LossBound create(DataType[] inputTypes, boolean resultNullable);
  }

  /** The factory of a generated subclass, through its {@code (DataType[], boolean)} constructor. */
  static Factory factory(Class<? extends LossBound> bound) {
    Constructor<? extends LossBound> constructor;
    try {
      constructor = bound.getDeclaredConstructor(DataType[].class, boolean.class);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(bound + " has no (DataType[], boolean) constructor", e);
    }
    return (inputTypes, resultNullable) -> {
      try {
        return constructor.newInstance(inputTypes, resultNullable);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot bind " + bound, e);
      }
    };
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
