package io.sparkxent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The publish protocol under injected failures, on any Hadoop file system (the local disk in
 * {@link RunPublisherTest}, HDFS in {@link HdfsTest}): at each step a run either fails (and cleans
 * up after itself) or is killed (its files stay as they were at that instant, copied aside); in both
 * cases what readers see is the old run or the new one, and the next run repairs the rest.
 */
abstract class PublishProtocolContract {
  /** Where each test gets a fresh directory. */
  abstract Path root();

  abstract Configuration hadoop();

  Path dir;

  @BeforeEach
  void freshDirectory() throws IOException {
    dir = new Path(root(), "publish-" + UUID.randomUUID());
    fs().mkdirs(dir);
  }

  /** Thrown by the injected fault: the run stops at that step. */
  static final class InjectedFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFault(RunPublisher.Step step) {
      super("injected at " + step);
    }
  }

  @AfterEach
  void noFaults() {
    RunPublisher.faults = step -> { };
  }

  FileSystem fs() throws IOException {
    return root().getFileSystem(hadoop());
  }

  private static Path destination(Path output) {
    return new Path(output, "run_id=x");
  }

  /** Publishes a run whose one file says {@code content}. */
  private void publish(Path output, String content) throws IOException {
    try (RunPublisher publisher = RunPublisher.open(hadoop(), destination(output), false)) {
      writeRun(publisher, content);
      publisher.publish();
    }
  }

  private void writeRun(RunPublisher publisher, String content) throws IOException {
    write(new Path(publisher.staging(), "part-0"), content);
  }

  private void write(Path file, String content) throws IOException {
    try (OutputStream out = fs().create(file, true)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }

  private String read(Path file) throws IOException {
    try (InputStream in = fs().open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private List<String> names(Path directory) throws IOException {
    return Arrays.stream(fs().listStatus(directory)).map(status -> status.getPath().getName()).sorted().toList();
  }

  /** What a reader of the output sees: the visible runs and the content of run x (or null). */
  private String visible(Path output) throws IOException {
    List<String> names = names(output).stream().filter(name -> !name.startsWith(".")).toList();
    Path run = destination(output);
    return names + (fs().exists(run) ? " " + read(new Path(run, "part-0")) : "");
  }

  private List<String> hidden(Path output) throws IOException {
    return names(output).stream().filter(name -> name.startsWith(".")).toList();
  }

  @Test
  void aKilledOrFailedPublishAtAnyStepLeavesTheOldOrTheNewRunAndTheNextRunRepairs() throws Exception {
    for (RunPublisher.Step step : RunPublisher.Step.values()) {
      Path output = new Path(dir, "output-" + step);
      Path killed = new Path(dir, "killed-" + step);
      fs().mkdirs(output);
      publish(output, "old");
      RunPublisher.faults = at -> {
        if (at == step) {
          copy(output, killed); // the files as they are at this instant: a driver killed here
          throw new InjectedFault(step);
        }
      };
      assertThatThrownBy(() -> publish(output, "new")).isInstanceOf(InjectedFault.class);
      RunPublisher.faults = at -> { };

      // failed at this step: it cleaned up after itself
      assertThat(visible(output)).as("failed at " + step).isIn("[run_id=x] old", "[run_id=x] new");
      assertThat(hidden(output)).as("litter after a failure at " + step).isEmpty();

      // killed at this step: readers see a whole run, except between the two renames
      String atKill = visible(killed);
      if (step != RunPublisher.Step.MOVED_ASIDE) {
        assertThat(atKill).as("killed at " + step).isIn("[run_id=x] old", "[run_id=x] new");
      } else {
        assertThat(atKill).as("killed between the renames").isEqualTo("[]");
      }
      markLockOwnerDead(killed);
      try (RunPublisher next = RunPublisher.open(hadoop(), destination(killed), false)) {
        assertThat(visible(killed)).as("repaired after a kill at " + step).isIn("[run_id=x] old", "[run_id=x] new");
        if (step.compareTo(RunPublisher.Step.MOVED_ASIDE) >= 0) {
          assertThat(visible(killed)).isEqualTo("[run_id=x] new"); // the staging was complete: rolled forward
        }
      }
      assertThat(hidden(killed)).as("litter after repairing a kill at " + step).isEmpty();
    }
  }

  @Test
  void aSecondRunWithTheSameRunIdStopsWithOneLineNamingTheFirst() throws Exception {
    publish(dir, "old");
    try (RunPublisher first = RunPublisher.open(hadoop(), destination(dir), false)) {
      assertThatThrownBy(() -> RunPublisher.open(hadoop(), destination(dir), false))
          .isInstanceOf(RunPublisher.ConcurrentRunException.class)
          .hasMessageStartingWith("another run is publishing " + destination(dir) + ": "
              + ProcessHandle.current().pid() + "@")
          .hasMessageContaining("--recover");
      writeRun(first, "first");
      first.publish();
    }
    assertThat(visible(dir)).isEqualTo("[run_id=x] first");
    // another run id in the same output is not blocked
    try (RunPublisher first = RunPublisher.open(hadoop(), destination(dir), false);
        RunPublisher other = RunPublisher.open(hadoop(), new Path(dir, "run_id=y"), false)) {
      writeRun(other, "y");
      other.publish();
    }
    assertThat(visible(dir)).isEqualTo("[run_id=x, run_id=y] first");
    // --recover breaks a lock even when its owner seems alive (it crashed on another machine)
    try (RunPublisher first = RunPublisher.open(hadoop(), destination(dir), false)) {
      try (RunPublisher recovering = RunPublisher.open(hadoop(), destination(dir), true)) {
        writeRun(recovering, "recovered");
        recovering.publish();
      }
    }
    assertThat(visible(dir)).isEqualTo("[run_id=x, run_id=y] recovered");
    assertThat(hidden(dir)).isEmpty();
  }

  @Test
  void failedRunsRemoveTheirStagingWhateverWasThrownAndLaterRunsRemoveOrphans() throws Exception {
    publish(dir, "old");
    assertThatThrownBy(() -> {
      try (RunPublisher publisher = RunPublisher.open(hadoop(), destination(dir), false)) {
        writeRun(publisher, "half");
        throw new OutOfMemoryError("injected");
      }
    }).isInstanceOf(OutOfMemoryError.class);
    assertThat(hidden(dir)).isEmpty();
    // a crashed run's staging, owned by no lock, goes with the next run on the output
    write(new Path(new Path(dir, ".run_id=z.staging-0000"), "part-0"), "orphan");
    publish(dir, "new");
    assertThat(hidden(dir)).isEmpty();
    assertThat(visible(dir)).isEqualTo("[run_id=x] new");
  }

  @Test
  void anOutputThatCannotBeWrittenFailsBeforeAnyWork() throws Exception {
    Path file = new Path(dir, "a-file");
    write(file, "not a directory");
    assertThatThrownBy(() -> RunPublisher.open(hadoop(), new Path(file, "run_id=x"), false))
        .isInstanceOf(RunPublisher.OutputException.class)
        .hasMessageContaining("is a file, not a directory");
  }

  private void copy(Path from, Path to) {
    try {
      FileUtil.copy(fs(), from, fs(), to, false, hadoop());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A killed driver's lock: its process no longer exists. */
  private void markLockOwnerDead(Path output) throws Exception {
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    for (FileStatus lock : fs().listStatus(output, path -> path.getName().endsWith(".lock"))) {
      write(lock.getPath(), read(lock.getPath()).replaceFirst("owner=\\d+@", "owner=" + finished.pid() + "@"));
    }
  }
}
