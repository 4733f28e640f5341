package io.sparkxent.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Publishes one run's output directory ({@code DIR/run_id=X}, or the scored output) so that no
 * run is ever lost or half visible. The protocol, for a destination {@code D} in directory
 * {@code P}:
 *
 * <ol>
 *   <li><b>Repair</b> what a crashed publish of {@code D} left (see {@link #repair}), and remove
 *       staging directories in {@code P} that no live lock owns.
 *   <li><b>Lock</b>: create {@code P/.D.lock} exclusively (it names its owner, pid@host, and its
 *       staging). A second run with the same destination stops with one line naming the owner
 *       ({@link ConcurrentRunException}); a lock whose owner process is gone (same host) is taken
 *       over; {@code --recover} breaks any lock.
 *   <li><b>Stage</b>: the job writes into {@code P/.D.staging-UUID}, hidden from Spark's readers.
 *   <li><b>Journal</b>: write {@code P/.D.publishing} naming the staging and the aside directory.
 *   <li><b>Move aside</b> the old {@code D} (if any) to {@code P/.D.replaced-UUID}.
 *   <li><b>Move in</b> the staging directory as {@code D}.
 *   <li><b>Clean up</b>: delete the aside directory, the journal, the lock.
 * </ol>
 *
 * <p>Readers see the old {@code D} until step 5 and the new one from step 6; each step is one
 * rename or create. A run that fails before step 4 removes its staging, whatever was thrown; one
 * killed at any step leaves a journal, and the repair rolls forward (the new output is complete
 * once the journal exists) or, if the staging is gone, back. The only state in which a reader
 * sees neither is a crash between steps 5 and 6, and the next run on the output (or {@code
 * --recover}) repairs it before it does anything else. On object stores, where rename is a copy
 * and create is not exclusive, use a table format instead (the {@code --output-table} of the
 * dashboards work).
 */
final class RunPublisher implements AutoCloseable {
  /** The steps where a test can inject a failure ({@link #faults}). */
  enum Step {
    LOCKED,
    JOURNALED,
    MOVED_ASIDE,
    MOVED_IN,
    CLEANED
  }

  /** Another run holds the lock of the same destination. */
  static final class ConcurrentRunException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConcurrentRunException(String message) {
      super(message);
    }
  }

  /** The output cannot be written (a file where a directory belongs, no permission, I/O error). */
  static final class OutputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OutputException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Test seam: called at each step; a test throws from it to simulate a crash there. */
  static Consumer<Step> faults = step -> { };

  private final FileSystem fs;
  private final Path destination;
  private final Path staging;
  private final Path lock;
  private final Path journal;
  private boolean published;
  /** Whether this run made the output directory: a run that publishes nothing removes it again. */
  private boolean createdParent;

  private RunPublisher(FileSystem fs, Path destination) {
    this.fs = fs;
    this.destination = destination;
    this.staging = hidden(destination, ".staging-" + UUID.randomUUID());
    this.lock = hidden(destination, ".lock");
    this.journal = hidden(destination, ".publishing");
  }

  /**
   * Repairs, locks and returns a publisher of {@code destination}; fails with one line if the
   * destination's directory cannot be written or another run holds the lock.
   */
  static RunPublisher open(Configuration hadoop, Path destination, boolean breakLock) {
    try {
      FileSystem fs = destination.getFileSystem(hadoop);
      RunPublisher publisher = new RunPublisher(fs, destination);
      publisher.checkWritableParent();
      repair(fs, destination);
      publisher.acquireLock(breakLock);
      try {
        removeOrphanStaging(fs, destination.getParent());
        faults.accept(Step.LOCKED);
      } catch (Throwable failure) { // the caller gets no publisher to close: release the lock here
        publisher.close();
        throw failure;
      }
      return publisher;
    } catch (IOException e) {
      throw new OutputException("cannot write " + destination.getParent() + ": " + e.getMessage(), e);
    }
  }

  /** Where readers find the run once published. */
  Path destination() {
    return destination;
  }

  /** Where the job writes the run's output. */
  Path staging() {
    return staging;
  }

  /** Steps 4 to 7: after this returns, readers see the new output. */
  void publish() {
    try {
      Path aside = hidden(destination, ".replaced-" + UUID.randomUUID());
      writeProperties(journal, "staging", staging.getName(), "aside", aside.getName());
      faults.accept(Step.JOURNALED);
      if (fs.exists(destination)) {
        rename(destination, aside);
      }
      faults.accept(Step.MOVED_ASIDE);
      rename(staging, destination);
      published = true;
      faults.accept(Step.MOVED_IN);
      fs.delete(aside, true);
      fs.delete(journal, false);
      faults.accept(Step.CLEANED);
    } catch (IOException e) {
      throw new OutputException("cannot publish " + destination + ": " + e.getMessage(), e);
    }
  }

  /**
   * Releases the lock; a run that stopped after writing its journal repairs the destination at
   * once, an unpublished one removes its staging. Never throws.
   */
  @Override
  public void close() {
    try {
      if (fs.exists(journal)) {
        repair(fs, destination); // stopped after step 4: finish or undo it now
      } else if (!published) {
        fs.delete(staging, true);
      }
      fs.delete(lock, false);
      if (createdParent && !published && fs.listStatus(destination.getParent()).length == 0) {
        fs.delete(destination.getParent(), false);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("warning: could not clean up after publishing " + destination + ": " + e.getMessage()
          + " (the next run on this output repairs it)");
    }
  }

  /**
   * Brings a destination whose publish was interrupted to a published state: with a journal,
   * the staging named there moves in if {@code D} is missing (it was complete when the journal was
   * written), else the old output moves back; then the leftovers go.
   */
  static void repair(FileSystem fs, Path destination) throws IOException {
    Path journal = hidden(destination, ".publishing");
    if (!fs.exists(journal)) {
      return;
    }
    Properties entries = readProperties(fs, journal);
    Path staging = new Path(destination.getParent(), entries.getProperty("staging"));
    Path aside = new Path(destination.getParent(), entries.getProperty("aside"));
    if (!fs.exists(destination)) {
      if (fs.exists(staging)) {
        renameOrFail(fs, staging, destination);
      } else if (fs.exists(aside)) {
        renameOrFail(fs, aside, destination);
      }
    }
    fs.delete(staging, true);
    fs.delete(aside, true);
    fs.delete(journal, false);
    System.err.println("warning: repaired " + destination + ", whose last publish was interrupted");
  }

  private void acquireLock(boolean breakLock) throws IOException {
    String owner = ProcessHandle.current().pid() + "@" + host();
    for (int attempt = 0; attempt < 2; attempt++) {
      if (createExclusively(lock, "owner=" + owner + "\nstaging=" + staging.getName() + "\nsince="
          + java.time.Instant.now() + "\n")) {
        return;
      }
      Properties holder = readProperties(fs, lock);
      if (!breakLock && ownerIsAlive(holder.getProperty("owner", ""))) {
        throw new ConcurrentRunException("another run is publishing " + destination + ": "
            + holder.getProperty("owner") + " since " + holder.getProperty("since")
            + "; wait for it to finish, or if it crashed on another machine, rerun with --recover (lock "
            + lock + ")");
      }
      fs.delete(lock, false); // its owner is gone (or --recover): take it over
    }
    throw new ConcurrentRunException("another run took the lock " + lock + " while this one took over a stale one");
  }

  /** {@code true} unless the owner is a process of this host that no longer runs. */
  private static boolean ownerIsAlive(String owner) {
    int at = owner.indexOf('@');
    if (at < 0 || !owner.substring(at + 1).equals(host())) {
      return true; // another machine's process: cannot tell, so assume it runs
    }
    try {
      return ProcessHandle.of(Long.parseLong(owner.substring(0, at))).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return true;
    }
  }

  /** Staging directories of crashed runs: those of this directory that no lock names. */
  private static void removeOrphanStaging(FileSystem fs, Path directory) throws IOException {
    FileStatus[] entries = fs.listStatus(directory, path -> path.getName().startsWith("."));
    java.util.Set<String> owned = new java.util.HashSet<>();
    for (FileStatus entry : entries) {
      if (entry.getPath().getName().endsWith(".lock")) {
        owned.add(readProperties(fs, entry.getPath()).getProperty("staging"));
      }
    }
    for (FileStatus entry : entries) {
      String name = entry.getPath().getName();
      if (name.contains(".staging-") && !owned.contains(name)
          && !fs.exists(new Path(directory, name.substring(0, name.indexOf(".staging-")) + ".publishing"))) {
        fs.delete(entry.getPath(), true);
      }
    }
  }

  private void checkWritableParent() throws IOException {
    Path parent = destination.getParent();
    if (fs.exists(parent) && !fs.getFileStatus(parent).isDirectory()) {
      throw new IOException(parent + " is a file, not a directory");
    }
    createdParent = !fs.exists(parent);
    fs.mkdirs(parent);
    Path probe = hidden(destination, ".probe-" + UUID.randomUUID());
    fs.create(probe, false).close();
    fs.delete(probe, false);
  }

  /** An exclusive create: atomic on HDFS; on the local file system through the JDK's O_EXCL. */
  private boolean createExclusively(Path file, String text) throws IOException {
    if (fs instanceof org.apache.hadoop.fs.LocalFileSystem || fs instanceof org.apache.hadoop.fs.RawLocalFileSystem) {
      try {
        java.nio.file.Files.writeString(java.nio.file.Paths.get(fs.makeQualified(file).toUri()), text,
            java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
        return true;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(file, false)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  private void writeProperties(Path file, String... keysAndValues) throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      text.append(keysAndValues[i]).append('=').append(keysAndValues[i + 1]).append('\n');
    }
    Path temporary = hidden(destination, ".publishing-" + UUID.randomUUID());
    try (OutputStream out = fs.create(temporary, false)) {
      out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }
    rename(temporary, file); // the journal appears whole or not at all
  }

  private static Properties readProperties(FileSystem fs, Path file) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = fs.open(file)) {
      properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (java.io.FileNotFoundException e) {
      // removed meanwhile: an empty record
    }
    return properties;
  }

  private void rename(Path from, Path to) throws IOException {
    renameOrFail(fs, from, to);
  }

  private static void renameOrFail(FileSystem fs, Path from, Path to) throws IOException {
    if (fs.exists(to)) {
      // Hadoop renames a directory INTO an existing one: never let that hide a run
      throw new IOException("rename " + from + " to " + to + ": the target exists");
    }
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " to " + to + " failed");
    }
  }

  /** {@code P/.D<suffix>}: beside the destination, hidden from Spark's readers by the dot. */
  private static Path hidden(Path destination, String suffix) {
    return new Path(destination.getParent(), "." + destination.getName() + suffix);
  }

  private static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }
}
