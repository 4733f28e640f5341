package io.sparkxent.job;

import io.sparkxent.spark.ScalaCollections;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GroupingSets$;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;

/**
 * GROUP BY GROUPING SETS with Columns, Spark 3.5: its Dataset API has no {@code groupingSets}, so
 * the logical plan SQL's {@code GROUPING SETS} parses to is built from the Columns' expressions
 * (the analyser expands it as it does for SQL).
 */
final class SliceGrouping {
  private SliceGrouping() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Dataset<Row> aggregate(Dataset<Row> rows, List<List<Column>> sets, List<Column> columns, List<Column> aggregates) {
    List<scala.collection.immutable.List<Expression>> expressionSets =
        sets.stream().map(set -> ScalaCollections.list(set.stream().map(Column::expr).toList())).toList();
    Expression groupingSets = GroupingSets$.MODULE$.apply((scala.collection.immutable.List) ScalaCollections.list(expressionSets),
        ScalaCollections.list(columns.stream().map(Column::expr).toList()));
    // the grouping columns first, as RelationalGroupedDataset.agg puts them
    List<NamedExpression> named = new java.util.ArrayList<>(columns.stream().map(Column::named).toList());
    aggregates.forEach(aggregate -> named.add(aggregate.named()));
    Aggregate plan = new Aggregate((scala.collection.immutable.List) ScalaCollections.list(List.of(groupingSets)),
        (scala.collection.immutable.List) ScalaCollections.list(named), rows.logicalPlan());
    return Dataset.ofRows(rows.sparkSession(), plan);
  }
}
