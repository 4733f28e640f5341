package io.sparkxent.job;

import static io.sparkxent.spark.XentColumns.quoted;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the predictions and turns what can go wrong there into one line: a missing path, a corrupt
 * file, files that disagree on a column's type (found from their footers, before any row is read,
 * whatever order the files list in), and an input with no files at all (an empty night, which is
 * not an error).
 */
final class InputReader {
  /** Spark's error conditions for input it cannot read (missing path, corrupt or non-Parquet file). */
  private static final List<String> INPUT_CONDITIONS = List.of("PATH_NOT_FOUND", "FAILED_READ_FILE",
      "CANNOT_READ_FILE_FOOTER");

  private InputReader() {}

  static Dataset<Row> read(SparkSession spark, JobConfig config) {
    String[] paths = config.inputs().toArray(new String[0]);
    try {
      // every file's footer, not the first one's: a column whose type differs between files is
      // found here, in any file order, not halfway through the scan (or never, by luck of order)
      return readingInput(() -> spark.read().option("mergeSchema", "true").parquet(paths));
    } catch (EvaluationJob.InputException e) {
      throw e;
    } catch (Exception e) {
      String condition = condition(e);
      if (condition.startsWith("CANNOT_MERGE_SCHEMAS") || condition.startsWith("CANNOT_MERGE_INCOMPATIBLE")) {
        throw new EvaluationJob.InputException(typeConflict(spark, paths));
      }
      if (condition.startsWith("UNABLE_TO_INFER_SCHEMA") && dataFiles(spark, paths).isEmpty()) {
        return emptyInput(spark, config);
      }
      throw new EvaluationJob.InputException("cannot read --input " + String.join(",", config.inputs()) + ": "
          + EvaluationJob.firstLine(EvaluationJob.rootMessage(e)));
    }
  }

  /** Runs a step that reads the input; a missing or corrupt file becomes an InputException. */
  static <T> T readingInput(Supplier<T> step) {
    try {
      return step.get();
    } catch (Exception e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        String condition = cause instanceof SparkThrowable ? ((SparkThrowable) cause).getErrorClass() : null;
        if (condition != null && INPUT_CONDITIONS.stream().anyMatch(condition::startsWith)) {
          throw new EvaluationJob.InputException("cannot read the input: " + EvaluationJob.firstLine(cause.getMessage()));
        }
      }
      org.apache.spark.unsafe.Platform.throwException(e);
      throw new IllegalStateException(e);
    }
  }

  private static String condition(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SparkThrowable && ((SparkThrowable) cause).getErrorClass() != null) {
        return ((SparkThrowable) cause).getErrorClass();
      }
    }
    return "";
  }

  /**
   * The first column (in file order, then column order) whose type differs between two files,
   * both named: each file's footer is read once, on the driver, only on this failure path.
   */
  private static String typeConflict(SparkSession spark, String[] paths) {
    Map<String, DataType> firstType = new LinkedHashMap<>();
    Map<String, Path> firstFile = new LinkedHashMap<>();
    for (Path file : dataFiles(spark, paths)) {
      for (StructField field : spark.read().parquet(file.toString()).schema().fields()) {
        DataType seen = firstType.putIfAbsent(field.name(), field.dataType());
        firstFile.putIfAbsent(field.name(), file);
        if (seen != null && !seen.sameType(field.dataType())) {
          return "column " + quoted(field.name()) + " is " + seen.simpleString() + " in " + firstFile.get(field.name())
              + " but " + field.dataType().simpleString() + " in " + file
              + "; every input file must give a column one type (rewrite one of them, or pass them in separate runs)";
        }
      }
    }
    return "the input files' schemas cannot be merged (" + String.join(",", paths) + ")";
  }

  /** The data files under the input paths (names starting with _ or . are not data), sorted. */
  private static List<Path> dataFiles(SparkSession spark, String[] paths) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<Path> files = new ArrayList<>();
    try {
      for (String name : paths) {
        Path path = new Path(name);
        FileSystem fs = path.getFileSystem(hadoop);
        FileStatus[] matches = fs.globStatus(path);
        for (FileStatus match : matches == null ? new FileStatus[0] : matches) {
          if (match.isFile()) {
            files.add(match.getPath());
            continue;
          }
          RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> listed = fs.listFiles(match.getPath(), true);
          while (listed.hasNext()) {
            Path file = listed.next().getPath();
            if (isData(match.getPath(), file)) {
              files.add(file);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new EvaluationJob.InputException("cannot list --input " + String.join(",", paths) + ": " + e.getMessage());
    }
    files.sort(null);
    return files;
  }

  /** Spark's rule: nothing below the root whose name starts with _ or . (but key=value folders) is data. */
  private static boolean isData(Path root, Path file) {
    for (Path part = file; part != null && !part.equals(root); part = part.getParent()) {
      String name = part.getName();
      if ((name.startsWith("_") && !name.contains("=")) || name.startsWith(".")) {
        return false;
      }
    }
    return true;
  }

  /**
   * An input with no data files: no rows, with the columns the options name (label and weight
   * DOUBLE, the prediction DOUBLE or ARRAY&lt;DOUBLE&gt;, slice columns STRING), so the run still
   * writes its overall row with {@code rows = 0}.
   */
  private static Dataset<Row> emptyInput(SparkSession spark, JobConfig config) {
    System.err.println("warning: no data files in --input " + String.join(",", config.inputs()));
    boolean scalar = config.predictionKind().equals(JobConfig.LOGIT) || config.predictionKind().equals(JobConfig.PROB);
    StructType schema = new StructType()
        .add(config.labelColumn(), DataTypes.DoubleType)
        .add(config.predictionColumn(), scalar ? DataTypes.DoubleType : DataTypes.createArrayType(DataTypes.DoubleType));
    if (config.weightColumn().isPresent()) {
      schema = schema.add(config.weightColumn().get(), DataTypes.DoubleType);
    }
    for (List<String> slice : config.slices()) {
      for (String column : slice) {
        if (!schema.getFieldIndex(column).isDefined()) {
          schema = schema.add(column, DataTypes.StringType);
        }
      }
    }
    return spark.createDataFrame(List.of(), schema);
  }
}
