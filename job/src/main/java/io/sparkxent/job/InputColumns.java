package io.sparkxent.job;

import static io.sparkxent.spark.XentColumns.quoted;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * The input's label, prediction and weight columns, checked against the options before any row is
 * read: present, and of a type the loss can take. Messages name the flag, the column and its type.
 */
final class InputColumns {
  private static final String VECTOR_CLASS = "org.apache.spark.ml.linalg.Vector";

  private final DataType labelType;
  private final DataType predictionType;
  private final boolean scalarPrediction;

  /** The baseline column's type (null when none is compared). */
  private final DataType baselineType;

  DataType baselineType() {
    return baselineType;
  }

  private InputColumns(DataType labelType, DataType predictionType, boolean scalarPrediction, DataType baselineType) {
    this.baselineType = baselineType;
    this.labelType = labelType;
    this.predictionType = predictionType;
    this.scalarPrediction = scalarPrediction;
  }

  static InputColumns of(JobConfig config, StructType schema) {
    DataType label = type(schema, config.labelColumn(), "--label");
    DataType prediction = type(schema, config.predictionColumn(), "--" + config.predictionKind());
    config.weightColumn().ifPresent(weight -> requireNumber(weight, type(schema, weight, "--weight")));
    boolean scalar = config.predictionKind().equals(JobConfig.LOGIT) || config.predictionKind().equals(JobConfig.PROB);
    config.baselineColumn().ifPresent(baseline -> {
      DataType type = type(schema, baseline, "--" + JobConfig.BASELINE + config.predictionKind());
      if (scalar) {
        requireNumber(baseline, type);
      } else if (!isVector(type) && !isNumberArray(type)) {
        throw wrongType(baseline, type, "an array of numbers or an MLlib vector");
      }
    });
    if (scalar) {
      requireNumber(config.predictionColumn(), prediction);
      requireNumber(config.labelColumn(), label);
    } else {
      if (!isVector(prediction) && !isNumberArray(prediction)) {
        throw wrongType(config.predictionColumn(), prediction, "an array of numbers or an MLlib vector");
      }
      if (!(label instanceof NumericType) && !isNumberArray(label) && !isVector(label)) {
        throw wrongType(config.labelColumn(), label,
            "a numeric class index, or an array of numbers or MLlib vector (one-hot or soft labels)");
      }
    }
    return new InputColumns(label, prediction, scalar,
        config.baselineColumn().map(baseline -> type(schema, baseline, "--baseline")).orElse(null));
  }

  /** The type of a top-level column, or a usage error listing the input's columns. */
  static DataType type(StructType schema, String name, String flag) {
    for (StructField field : schema.fields()) {
      if (field.name().equals(name)) {
        return field.dataType();
      }
    }
    throw new UsageException("column " + quoted(name) + " (" + flag + ") is not in the input; its columns are "
        + String.join(", ", schema.fieldNames()));
  }

  DataType labelType() {
    return labelType;
  }

  DataType predictionType() {
    return predictionType;
  }

  /** One logit or probability per row ({@code --logit}, {@code --prob}). */
  boolean scalarPrediction() {
    return scalarPrediction;
  }

  /** Labels are arrays or vectors (one-hot, soft or multi-label), not a number or class index. */
  boolean arrayLabel() {
    return labelType instanceof ArrayType || isVector(labelType);
  }

  /** A class index against class predictions. */
  boolean classIndex() {
    return !scalarPrediction && !arrayLabel();
  }

  static boolean isVector(DataType type) {
    return type instanceof UserDefinedType && ((UserDefinedType<?>) type).userClass().getName().equals(VECTOR_CLASS);
  }

  private static boolean isNumberArray(DataType type) {
    return type instanceof ArrayType && ((ArrayType) type).elementType() instanceof NumericType;
  }

  private static void requireNumber(String name, DataType type) {
    if (!(type instanceof NumericType)) {
      throw wrongType(name, type, "a numeric type (double, float, int, bigint, decimal)");
    }
  }

  private static UsageException wrongType(String name, DataType type, String expected) {
    return new UsageException("column " + quoted(name) + " has type " + type.simpleString() + "; expected " + expected);
  }
}
