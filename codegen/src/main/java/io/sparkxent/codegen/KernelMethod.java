package io.sparkxent.codegen;

import java.util.List;

/** One {@code @Kernel} method: its name, parameters, and whether it returns a primitive double. */
final class KernelMethod {
  final String name;
  final List<Parameter> parameters;
  final boolean returnsPrimitive;

  KernelMethod(String name, List<Parameter> parameters, boolean returnsPrimitive) {
    this.name = name;
    this.parameters = parameters;
    this.returnsPrimitive = returnsPrimitive;
  }

  /** How many leading parameters SQL must give: those before the first with a default. */
  int requiredCount() {
    for (int i = 0; i < parameters.size(); i++) {
      if (parameters.get(i).defaultValue != null) {
        return i;
      }
    }
    return parameters.size();
  }

  /** The kernel's arguments for a SQL argument list of the first {@code given} parameters. */
  List<String> arguments(List<String> givenArguments) {
    List<String> arguments = new java.util.ArrayList<>(givenArguments);
    for (Parameter parameter : parameters.subList(givenArguments.size(), parameters.size())) {
      arguments.add(parameter.defaultValue);
    }
    return arguments;
  }
}
