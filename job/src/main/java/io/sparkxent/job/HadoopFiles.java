package io.sparkxent.job;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** The job's own files beside what Spark writes: text in staging, a replaced report, a removed directory. */
final class HadoopFiles {
  private HadoopFiles() {}

  /** Writes {@code text} to a new file in the run's staging; an existing file is an error, not replaced. */
  static void create(SparkSession spark, Path file, String text) {
    try (FSDataOutputStream out = fileSystem(spark, file).create(file, false)) {
      ((OutputStream) out).write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Replaces {@code file} by {@code text}: written beside it under a hidden name, then renamed, so a
   * reader sees the old file or the new one, never a part (on file systems whose rename is atomic).
   */
  static void replace(SparkSession spark, Path file, String text) {
    try {
      FileSystem fs = fileSystem(spark, file);
      Path partial = new Path(file.getParent(), "." + file.getName() + ".partial-" + UUID.randomUUID());
      try (FSDataOutputStream out = fs.create(partial, false)) {
        ((OutputStream) out).write(text.getBytes(StandardCharsets.UTF_8));
      }
      if (fs.exists(file)) {
        fs.delete(file, false);
      }
      if (!fs.rename(partial, file)) {
        fs.delete(partial, false);
        throw new IOException("rename to " + file + " failed");
      }
    } catch (IOException e) {
      throw new RunPublisher.OutputException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Removes a directory of staging that must not be published (the finest states once merged). */
  static void delete(SparkSession spark, Path directory) {
    try {
      fileSystem(spark, directory).delete(directory, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + directory, e);
    }
  }

  private static FileSystem fileSystem(SparkSession spark, Path path) throws IOException {
    return path.getFileSystem(spark.sparkContext().hadoopConfiguration());
  }
}
