package io.sparkxent.job;

import io.sparkxent.spark.ScalaCollections;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** GROUP BY GROUPING SETS with Columns, Spark 4: {@code Dataset.groupingSets}. */
final class SliceGrouping {
  private SliceGrouping() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Dataset<Row> aggregate(Dataset<Row> rows, List<List<Column>> sets, List<Column> columns, List<Column> aggregates) {
    List<scala.collection.immutable.List<Column>> scalaSets = sets.stream().map(ScalaCollections::list).toList();
    // raw: Java cannot name Scala's default Seq of Seqs for both Scala versions
    return rows.groupingSets((scala.collection.immutable.List) ScalaCollections.list(scalaSets), ScalaCollections.list(columns))
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(new Column[0]));
  }
}
