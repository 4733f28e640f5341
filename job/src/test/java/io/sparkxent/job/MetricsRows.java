package io.sparkxent.job;

import static io.sparkxent.spark.SharedSpark.spark;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import io.sparkxent.spark.XentColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/** A run's published metrics read back in a fixed order: overall first, then by slicing and values. */
final class MetricsRows {
  private MetricsRows() {}

  static List<Row> of(EvaluationJob.Result result) {
    List<Column> order = new ArrayList<>(List.of(when(col("slice").equalTo("overall"), 0).otherwise(1), col("slice")));
    List<String> fields = List.of(result.schema.fieldNames());
    for (String field : fields.subList(fields.indexOf("slice") + 1, fields.indexOf("rows"))) {
      order.add(XentColumns.column(field).asc_nulls_first());
    }
    return result.table(spark()).orderBy(order.toArray(new Column[0])).collectAsList();
  }
}
