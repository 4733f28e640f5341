package io.sparkxent.spark.functions;

import io.sparkxent.spark.FunctionDocumentation;
import io.sparkxent.spark.LossDescriptor;
import io.sparkxent.spark.XentFunction;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A per-row loss as a Spark function, made from its {@link LossDescriptor}: picks the argument list
 * that fits the argument types and binds it to the generated {@code Strict} (ANSI: invalid input
 * raises) or {@code OrNull} (non-ANSI: invalid input gives NULL) class, as {@code
 * spark.sql.ansi.enabled} says when the query is analysed, the way Spark's own arithmetic
 * captures its evaluation mode.
 *
 * <p>A loss is a subclass with its descriptor and one {@code @Kernel} method per SQL argument list,
 * each a call of a kernel from {@code io.sparkxent.math}. From those methods the build generates
 * ({@code io.sparkxent.codegen.KernelProcessor}) the bound classes {@code <Name>Bound.Strict} and
 * {@code <Name>Bound.OrNull} with every static {@code invoke} Spark calls from generated code, and
 * the Java UDF {@code io.sparkxent.spark.udf.<Name>Udf}.
 */
public abstract class LossFunction implements XentFunction {
  private final LossDescriptor descriptor;
  private final List<Overload> overloads;
  private final LossBound.Factory strict;
  private final LossBound.Factory orNull;
  private final Class<?> javaUdfClass;

  /**
   * A loss from its descriptor; the classes the build generated from the subclass's kernels are
   * found by their names: {@code <Name>Function} has {@code <Name>Bound.Strict}, {@code
   * <Name>Bound.OrNull} and {@code io.sparkxent.spark.udf.<Name>Udf} (RegistryTest binds them all).
   */
  LossFunction(LossDescriptor descriptor) {
    this.descriptor = descriptor;
    this.overloads = Overload.allOf(descriptor);
    String base = getClass().getSimpleName().replaceFirst("Function$", "");
    String bound = getClass().getPackageName() + "." + base + "Bound$";
    this.strict = LossBound.factory(generated(bound + "Strict").asSubclass(LossBound.class));
    this.orNull = LossBound.factory(generated(bound + "OrNull").asSubclass(LossBound.class));
    this.javaUdfClass = generated(getClass().getPackageName().replaceFirst("functions$", "udf") + "." + base + "Udf");
  }

  private Class<?> generated(String name) {
    try {
      return Class.forName(name, true, getClass().getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(name + " was not generated: is spark-xent-codegen on the compiler's path?", e);
    }
  }

  public LossDescriptor descriptor() {
    return descriptor;
  }

  /** The accepted argument lists, in the order {@link #bind} tries them. */
  public List<Overload> overloads() {
    return overloads;
  }

  @Override
  public String name() {
    return descriptor.name();
  }

  @Override
  public FunctionDocumentation documentation() {
    return descriptor;
  }

  @Override
  public String group() {
    return "math_funcs";
  }

  @Override
  public Class<?> javaUdfClass() {
    return javaUdfClass;
  }

  @Override
  public BoundFunction bind(StructType inputType) {
    StructField[] fields = inputType.fields();
    DataType[] actual = Arrays.stream(fields).map(StructField::dataType).toArray(DataType[]::new);
    for (Overload overload : overloads) {
      if (overload.accepts(actual)) {
        DataType[] declared = overload.declaredTypes(actual);
        // Object arguments (arrays, vectors, strings) reach invoke even when NULL, so the result
        // can be NULL in either mode; numbers are null-checked by Spark before the call.
        boolean objectArgument = Arrays.stream(declared).anyMatch(type -> type != DataTypes.DoubleType);
        return SQLConf.get().ansiEnabled()
            ? strict.create(declared, objectArgument)
            : orNull.create(declared, true);
      }
    }
    throw new UnsupportedOperationException(mismatch(fields));
  }

  /** What was given, what is accepted: the message a SQL user sees for a wrong call. */
  private String mismatch(StructField[] fields) {
    String given = Arrays.stream(fields)
        .map(field -> field.dataType().simpleString())
        .collect(Collectors.joining(", ", "(", ")"));
    String accepted = overloads.stream()
        .map(overload -> name() + "(" + overload.describe() + ")")
        .collect(Collectors.joining("; "));
    return name() + " got " + fields.length + " argument(s) of type " + given + "; it takes "
        + accepted + ". Cast other types, e.g. CAST(label AS DOUBLE)";
  }
}
