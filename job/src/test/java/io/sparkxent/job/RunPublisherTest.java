package io.sparkxent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publish protocol under injected failures: at each step a run either fails (and cleans up
 * after itself) or is killed (its files stay as they were at that instant, copied aside); in both
 * cases what readers see is the old run or the new one, and the next run repairs the rest.
 */
class RunPublisherTest {
  private static final Configuration HADOOP = new Configuration();

  @TempDir
  Path dir;

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

  private static org.apache.hadoop.fs.Path destination(Path output) {
    return new org.apache.hadoop.fs.Path(output.toUri().toString(), "run_id=x");
  }

  /** Publishes a run whose one file says {@code content}. */
  private static void publish(Path output, String content) throws IOException {
    try (RunPublisher publisher = RunPublisher.open(HADOOP, destination(output), false)) {
      writeRun(publisher, content);
      publisher.publish();
    }
  }

  private static void writeRun(RunPublisher publisher, String content) throws IOException {
    Path staging = Path.of(publisher.staging().toUri());
    Files.createDirectories(staging);
    Files.writeString(staging.resolve("part-0"), content);
  }

  /** What a reader of the output sees: the visible runs and the content of run x (or null). */
  private static String visible(Path output) throws IOException {
    try (Stream<Path> entries = Files.list(output)) {
      List<String> names = entries.map(path -> path.getFileName().toString()).filter(name -> !name.startsWith("."))
          .sorted().toList();
      Path run = output.resolve("run_id=x");
      return names + (Files.exists(run) ? " " + Files.readString(run.resolve("part-0")) : "");
    }
  }

  private static List<String> hidden(Path output) throws IOException {
    try (Stream<Path> entries = Files.list(output)) {
      return entries.map(path -> path.getFileName().toString()).filter(name -> name.startsWith(".")).toList();
    }
  }

  @Test
  void aKilledOrFailedPublishAtAnyStepLeavesTheOldOrTheNewRunAndTheNextRunRepairs() throws Exception {
    for (RunPublisher.Step step : RunPublisher.Step.values()) {
      Path output = Files.createDirectory(dir.resolve("output-" + step));
      Path killed = dir.resolve("killed-" + step);
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
      String afterFailure = visible(output);
      assertThat(afterFailure).as("failed at " + step)
          .isIn("[run_id=x] old", "[run_id=x] new");
      assertThat(hidden(output)).as("litter after a failure at " + step).isEmpty();

      // killed at this step: readers see a whole run, except between the two renames
      String atKill = visible(killed);
      if (step != RunPublisher.Step.MOVED_ASIDE) {
        assertThat(atKill).as("killed at " + step).isIn("[run_id=x] old", "[run_id=x] new");
      } else {
        assertThat(atKill).as("killed between the renames").isEqualTo("[]");
      }
      markLockOwnerDead(killed);
      try (RunPublisher next = RunPublisher.open(HADOOP, destination(killed), false)) {
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
    try (RunPublisher first = RunPublisher.open(HADOOP, destination(dir), false)) {
      assertThatThrownBy(() -> RunPublisher.open(HADOOP, destination(dir), false))
          .isInstanceOf(RunPublisher.ConcurrentRunException.class)
          .hasMessageStartingWith("another run is publishing " + destination(dir) + ": "
              + ProcessHandle.current().pid() + "@")
          .hasMessageContaining("--recover");
      writeRun(first, "first");
      first.publish();
    }
    assertThat(visible(dir)).isEqualTo("[run_id=x] first");
    // another run id in the same output is not blocked
    try (RunPublisher first = RunPublisher.open(HADOOP, destination(dir), false);
        RunPublisher other = RunPublisher.open(HADOOP,
            new org.apache.hadoop.fs.Path(dir.toUri().toString(), "run_id=y"), false)) {
      writeRun(other, "y");
      other.publish();
    }
    assertThat(visible(dir)).isEqualTo("[run_id=x, run_id=y] first");
    // --recover breaks a lock even when its owner seems alive (it crashed on another machine)
    try (RunPublisher first = RunPublisher.open(HADOOP, destination(dir), false)) {
      try (RunPublisher recovering = RunPublisher.open(HADOOP, destination(dir), true)) {
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
      try (RunPublisher publisher = RunPublisher.open(HADOOP, destination(dir), false)) {
        writeRun(publisher, "half");
        throw new OutOfMemoryError("injected");
      }
    }).isInstanceOf(OutOfMemoryError.class);
    assertThat(hidden(dir)).isEmpty();
    // a crashed run's staging, owned by no lock, goes with the next run on the output
    Files.createDirectories(dir.resolve(".run_id=z.staging-0000"));
    Files.writeString(dir.resolve(".run_id=z.staging-0000").resolve("part-0"), "orphan");
    publish(dir, "new");
    assertThat(hidden(dir)).isEmpty();
    assertThat(visible(dir)).isEqualTo("[run_id=x] new");
  }

  @Test
  void anOutputThatCannotBeWrittenFailsBeforeAnyWork() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    assertThatThrownBy(() -> RunPublisher.open(HADOOP,
            new org.apache.hadoop.fs.Path(file.toUri().toString(), "run_id=x"), false))
        .isInstanceOf(RunPublisher.OutputException.class)
        .hasMessageContaining("is a file, not a directory");
  }

  private static void copy(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A killed driver's lock: its process no longer exists. */
  private static void markLockOwnerDead(Path output) throws Exception {
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    try (Stream<Path> entries = Files.list(output)) {
      for (Path lock : entries.filter(path -> path.getFileName().toString().endsWith(".lock")).toList()) {
        String text = Files.readString(lock, StandardCharsets.UTF_8)
            .replaceFirst("owner=\\d+@", "owner=" + finished.pid() + "@");
        Files.writeString(lock, text);
      }
    }
  }
}
