package io.sparkxent.spark.aggregates;

import io.sparkxent.spark.FunctionDocumentation;
import io.sparkxent.spark.FunctionExample;
import io.sparkxent.spark.XentFunction;
import java.util.List;

/**
 * What the functions of this package share: a name, Spark's function group, one usage line, and
 * their own documentation (the per-row losses have a descriptor instead).
 */
public abstract class SelfDocumentedFunction implements XentFunction, FunctionDocumentation {
  private final String name;
  private final String group;
  private final String usage;

  SelfDocumentedFunction(String name, String group, String usage) {
    this.name = name;
    this.group = group;
    this.usage = usage;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String group() {
    return group;
  }

  @Override
  public FunctionDocumentation documentation() {
    return this;
  }

  @Override
  public List<String> usage() {
    return List.of(usage);
  }

  // each function documents itself (XentFunction's defaults would read documentation(): this)
  @Override
  public abstract String summary();

  @Override
  public abstract List<FunctionExample> examples();
}
