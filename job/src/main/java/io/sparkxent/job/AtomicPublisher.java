package io.sparkxent.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes go to a hidden staging directory beside their destination and are published with one
 * rename, so readers see the whole run or nothing: a failed run leaves no partial output, and
 * re-running replaces only its own destination. (On object stores without atomic rename, such as
 * S3, the rename is a copy: use a committer that provides it.)
 */
final class AtomicPublisher {
  private final Configuration hadoop;

  AtomicPublisher(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /** A fresh staging path for {@code destination}: hidden from Spark's readers by its dot. */
  Path staging(Path destination) {
    return new Path(destination.getParent(), "." + destination.getName() + ".staging-" + UUID.randomUUID());
  }

  /** Moves {@code staging} to {@code destination}, replacing what was there. */
  void publish(Path staging, Path destination) {
    try {
      FileSystem fs = destination.getFileSystem(hadoop);
      fs.mkdirs(destination.getParent());
      Path replaced = null;
      if (fs.exists(destination)) {
        replaced = new Path(destination.getParent(), "." + destination.getName() + ".replaced-" + UUID.randomUUID());
        rename(fs, destination, replaced);
      }
      rename(fs, staging, destination);
      if (replaced != null) {
        fs.delete(replaced, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish " + destination + ": " + e.getMessage(), e);
    }
  }

  /** Removes a staging directory after a failure; never throws. */
  void discard(Path staging) {
    try {
      staging.getFileSystem(hadoop).delete(staging, true);
    } catch (IOException | RuntimeException e) {
      System.err.println("warning: could not remove " + staging + ": " + e.getMessage());
    }
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " to " + to + " failed");
    }
  }
}
