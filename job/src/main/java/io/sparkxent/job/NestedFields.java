package io.sparkxent.job;

import io.sparkxent.spark.XentColumns;
import java.util.Collection;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Options may name a field inside a struct column: {@code --logit pred.logit}, {@code --slice
 * ctx.country}. A name that is a top-level column is that column (a column may be called {@code
 * a.b}); otherwise its dots walk into struct fields, and the field is exposed as a top-level column
 * of exactly that name, which the rest of the job (and the metrics table) uses like any other.
 */
final class NestedFields {
  private NestedFields() {}

  static Dataset<Row> expose(Dataset<Row> input, Collection<String> names) {
    Dataset<Row> result = input;
    for (String name : names) {
      if (result.schema().getFieldIndex(name).isDefined()) {
        continue;
      }
      Optional<Column> field = find(input.schema(), null, name);
      if (field.isPresent()) {
        result = result.withColumn(name, field.get());
      }
    }
    return result;
  }

  /** The field that {@code path} names below {@code type} ({@code base} its column, null at the top). */
  private static Optional<Column> find(StructType type, Column base, String path) {
    for (StructField field : type.fields()) {
      Column column = base == null ? XentColumns.column(field.name()) : base.getField(field.name());
      if (field.name().equals(path)) {
        return Optional.of(column);
      }
      if (field.dataType() instanceof StructType && path.startsWith(field.name() + ".")) {
        Optional<Column> found = find((StructType) field.dataType(), column, path.substring(field.name().length() + 1));
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }
}
