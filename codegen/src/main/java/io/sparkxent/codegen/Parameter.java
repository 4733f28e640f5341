package io.sparkxent.codegen;

/** A kernel parameter: its source name (kept in the generated methods), kind and default. */
final class Parameter {
  final String name;
  final ParameterKind kind;
  /** The Java expression SQL argument lists without this parameter pass, or null if it is required. */
  final String defaultValue;

  Parameter(String name, ParameterKind kind, String defaultValue) {
    this.name = name;
    this.kind = kind;
    this.defaultValue = defaultValue;
  }
}
