package io.sparkxent.codegen;

import java.util.List;

/**
 * What a kernel parameter takes, and how each representation Spark may pass for it becomes the
 * kernel's type. Conversions that can give null (a NULL array, vector or compat name, or a NULL
 * element) make the whole loss NULL.
 */
enum ParameterKind {
  /** {@code double}: a number, passed as is (Spark checks NULL before the call). */
  NUMBER("double", List.of(new Representation("double", "%s", false))),
  /** {@code double[]}: an array of numbers, or an MLlib vector. */
  ARRAY("double[]", List.of(
      new Representation("ArrayData", "ArgumentValues.doubles(%s)", true),
      new Representation("Object", "ArgumentValues.vector(%s)", true))),
  /** {@code ProbabilityCompat}: an epsilon number (Keras clipping) or a compat name. */
  COMPAT("ProbabilityCompat", List.of(
      new Representation("double", "ArgumentValues.epsilon(%s)", false),
      new Representation("UTF8String", "ArgumentValues.compat(%s)", true)));

  final String kernelType;
  final List<Representation> representations;

  ParameterKind(String kernelType, List<Representation> representations) {
    this.kernelType = kernelType;
    this.representations = representations;
  }

  static ParameterKind of(String javaType) {
    switch (javaType) {
      case "double":
        return NUMBER;
      case "double[]":
        return ARRAY;
      case "io.sparkxent.math.ProbabilityCompat":
        return COMPAT;
      default:
        throw new IllegalArgumentException("a @Kernel parameter is double, double[] or ProbabilityCompat, not " + javaType);
    }
  }

  /** One Java type an argument arrives as, and the expression that converts it ({@code %s}: the name). */
  static final class Representation {
    final String javaType;
    final String conversion;
    final boolean mayBeNull;

    Representation(String javaType, String conversion, boolean mayBeNull) {
      this.javaType = javaType;
      this.conversion = conversion;
      this.mayBeNull = mayBeNull;
    }

    boolean converts() {
      return !conversion.equals("%s");
    }
  }
}
