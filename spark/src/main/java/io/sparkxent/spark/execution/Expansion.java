package io.sparkxent.spark.execution;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * How a partial step at the finest grain of GROUPING SETS, ROLLUP or CUBE ({@link
 * FinestGrainPlan}) gives each group once per grouping set: {@code sets} holds, per set, the
 * expressions over the finest keys that make that set's keys (its columns, NULL for the others,
 * and the grouping id), named {@code outputKeys}. {@link #NONE} for every other aggregation.
 * Public for the generated code, which is handed one.
 */
public record Expansion(List<Attribute> finestKeys, List<Attribute> outputKeys, List<List<Expression>> sets)
    implements Serializable {
  static final Expansion NONE = new Expansion(List.of(), List.of(), List.of());

  boolean none() {
    return sets.isEmpty();
  }
}
