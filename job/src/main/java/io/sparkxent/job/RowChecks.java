package io.sparkxent.job;

import static io.sparkxent.spark.XentColumns.quoted;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import io.sparkxent.spark.LossDescriptor.Prediction;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * Why a row cannot be scored, as a string column that is NULL for a valid row: the first failed
 * check, naming the user's column and the row's value ({@code label column `y` = 1.5 is outside
 * [0, 1]}). The job counts these rows, and with {@code --on-invalid fail} stops with the first.
 */
final class RowChecks {
  private RowChecks() {}

  static Column invalidReason(JobConfig config, InputColumns columns, Prediction prediction) {
    Column label = col(LossSpec.LABEL);
    Column predicted = col(LossSpec.PREDICTION);
    String labelName = "label column " + quoted(config.labelColumn());
    String predictionName = config.predictionKind() + " column " + quoted(config.predictionColumn());
    boolean probabilities = prediction == Prediction.PROBABILITY;
    List<Column[]> checks = new ArrayList<>();
    checks.add(check(label.isNull(), lit(labelName + " is NULL")));
    checks.add(check(predicted.isNull(), lit(predictionName + " is NULL")));
    if (columns.scalarPrediction()) {
      checks.add(check(isnan(label).or(label.lt(0)).or(label.gt(1)), value(labelName + " = ", label, " is outside [0, 1]")));
      checks.add(check(isnan(predicted), lit(predictionName + " is NaN")));
      if (probabilities) {
        checks.add(check(predicted.lt(0).or(predicted.gt(1)), value(predictionName + " = ", predicted, " is outside [0, 1]")));
      }
    } else {
      checks.add(check(size(predicted).equalTo(0), lit(predictionName + " is an empty array")));
      checks.add(check(exists(predicted, x -> x.isNull().or(isnan(x))),
          value(predictionName + " = ", predicted, " has a NULL or NaN element")));
      if (probabilities) {
        checks.add(check(exists(predicted, x -> x.lt(0).or(x.gt(1))),
            value(predictionName + " = ", predicted, " has an element outside [0, 1]")));
      }
      if (columns.classIndex()) {
        checks.add(check(isnan(label).or(label.lt(0)).or(label.geq(size(predicted))).or(label.notEqual(floor(label))),
            concat(lit(labelName + " = "), label.cast("string"), lit(" is not a class index in [0, "),
                size(predicted).cast("string"), lit(")"))));
      } else {
        checks.add(check(size(label).notEqual(size(predicted)),
            concat(lit(labelName + " has "), size(label).cast("string"), lit(" elements but " + predictionName + " has "),
                size(predicted).cast("string"))));
        checks.add(check(exists(label, x -> x.isNull().or(isnan(x)).or(x.lt(0)).or(x.gt(1))),
            value(labelName + " = ", label, " has an element outside [0, 1]")));
      }
    }
    config.baselineColumn().ifPresent(baseline -> {
      Column other = col(LossSpec.BASELINE);
      String otherName = JobConfig.BASELINE + config.predictionKind() + " column " + quoted(baseline);
      checks.add(check(other.isNull(), lit(otherName + " is NULL")));
      if (columns.scalarPrediction()) {
        checks.add(check(isnan(other), lit(otherName + " is NaN")));
        if (probabilities) {
          checks.add(check(other.lt(0).or(other.gt(1)), value(otherName + " = ", other, " is outside [0, 1]")));
        }
      } else {
        checks.add(check(size(other).notEqual(size(predicted)), concat(lit(otherName + " has "),
            size(other).cast("string"), lit(" elements but " + predictionName + " has "), size(predicted).cast("string"))));
        checks.add(check(exists(other, x -> x.isNull().or(isnan(x))),
            value(otherName + " = ", other, " has a NULL or NaN element")));
        if (probabilities) {
          checks.add(check(exists(other, x -> x.lt(0).or(x.gt(1))),
              value(otherName + " = ", other, " has an element outside [0, 1]")));
        }
      }
    });
    config.weightColumn().ifPresent(weight -> {
      Column w = col(LossSpec.WEIGHT);
      checks.add(check(w.isNull().or(isnan(w)).or(w.lt(0)).or(w.equalTo(Double.POSITIVE_INFINITY)),
          concat(lit("weight column " + quoted(weight) + " = "), coalesce(w.cast("string"), lit("NULL")),
              lit(" is not a finite number >= 0"))));
    });
    Column reason = when(checks.get(0)[0], checks.get(0)[1]);
    for (Column[] check : checks.subList(1, checks.size())) {
      reason = reason.when(check[0], check[1]);
    }
    return reason;
  }

  private static Column[] check(Column failed, Column message) {
    return new Column[] {failed, message};
  }

  private static Column value(String before, Column value, String after) {
    return concat(lit(before), value.cast("string"), lit(after));
  }
}
