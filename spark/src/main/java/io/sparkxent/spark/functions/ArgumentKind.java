package io.sparkxent.spark.functions;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * What an argument of a loss function is, and the type Spark is asked to pass it as: the function
 * declares that type, and Spark's implicit casts turn INT, BIGINT, FLOAT and DECIMAL (and arrays of
 * them) into it before our static {@code invoke} sees them.
 */
public enum ArgumentKind {
  /** Any numeric column or literal (or NULL), passed as a Java {@code double}. */
  NUMBER("numeric") {
    @Override
    DataType declaredType(DataType actual) {
      return DataTypes.DoubleType;
    }
  },
  /** An {@code ARRAY} of numbers, passed as {@code ArrayData} of doubles. */
  ARRAY("array<double>") {
    @Override
    DataType declaredType(DataType actual) {
      return DataTypes.createArrayType(DataTypes.DoubleType, true);
    }
  },
  /** An MLlib {@code Vector} (rawPrediction, probability), passed as its UDT's row. */
  VECTOR("vector") {
    @Override
    DataType declaredType(DataType actual) {
      return actual;
    }
  },
  /** A string, such as the {@code compat} name, passed as {@code UTF8String}. */
  TEXT("string") {
    @Override
    DataType declaredType(DataType actual) {
      return DataTypes.StringType;
    }
  };

  private static final String VECTOR_CLASS = "org.apache.spark.ml.linalg.Vector";

  private final String sqlName;

  ArgumentKind(String sqlName) {
    this.sqlName = sqlName;
  }

  /** The type the bound function declares for an argument of this kind given as {@code actual}. */
  abstract DataType declaredType(DataType actual);

  String sqlName() {
    return sqlName;
  }

  /**
   * The kind of a Spark type, or null when no loss function takes it. An untyped NULL literal is
   * a number here; {@link Overload} lets it stand for any kind.
   */
  public static ArgumentKind of(DataType type) {
    if (type instanceof NumericType || type instanceof NullType) {
      return NUMBER;
    }
    if (type instanceof ArrayType) {
      DataType element = ((ArrayType) type).elementType();
      return element instanceof NumericType || element instanceof NullType ? ARRAY : null;
    }
    if (type instanceof UserDefinedType
        && VECTOR_CLASS.equals(((UserDefinedType<?>) type).userClass().getName())) {
      return VECTOR;
    }
    if (type instanceof StringType) {
      return TEXT;
    }
    return null;
  }
}
