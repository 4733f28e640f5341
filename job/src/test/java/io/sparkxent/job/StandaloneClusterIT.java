package io.sparkxent.job;

import static io.sparkxent.job.SparkSubmitProcess.LINE;
import static io.sparkxent.job.SparkSubmitProcess.ROOT;
import static io.sparkxent.spark.SharedSpark.spark;
import static org.assertj.core.api.Assertions.assertThat;

import io.sparkxent.job.SparkSubmitProcess.Result;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on the standalone cluster of {@code scripts/standalone-cluster.sh} (a Master and two
 * Workers of one core each, executors in their own JVMs): the same bits as a local run with
 * another partitioning, and the same bits again when an executor, or a whole Worker with its
 * executor, is killed (SIGKILL) while the job runs. The Worker test runs last: it leaves one Worker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  private static final Pattern PROGRESS = Pattern.compile("\\[Stage \\d+:[^(]*\\((\\d+) \\+ \\d+\\) / (\\d+)\\]");

  private static final String QUERY = "SELECT concat('m', CAST(id % 3 AS STRING)) AS model,"
      + " CAST(id % 4 = 0 AS DOUBLE) AS label, (rand(5) - 0.5) * pow(10, CAST(id % 9 AS INT) - 2) AS logit,"
      + " 0.5 + rand(6) AS weight FROM range(ROWS)";
  private static final String[] ONE_FILE_PER_TASK = {"--conf", "spark.sql.files.maxPartitionBytes=1048576"};

  @TempDir
  static Path dir;
  static Path oneFile;
  static Path manyFiles;
  static Path large;
  static int port;
  static Path undisturbed;

  @BeforeAll
  static void startClusterAndWriteInputs() throws Exception {
    oneFile = dir.resolve("one-file");
    manyFiles = dir.resolve("many-files");
    spark().sql(QUERY.replace("ROWS", "40000")).coalesce(1).write().parquet(oneFile.toString());
    spark().read().parquet(oneFile.toString()).orderBy(org.apache.spark.sql.functions.rand(1)).repartition(8)
        .write().parquet(manyFiles.toString());
    large = dir.resolve("large");
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process start = new ProcessBuilder("bash", "scripts/standalone-cluster.sh", "--line", LINE, "start",
        Integer.toString(port)).directory(ROOT.toFile()).redirectErrorStream(true).start();
    String startLog = new String(start.getInputStream().readAllBytes());
    assertThat(start.waitFor(180, TimeUnit.SECONDS) && start.exitValue() == 0).as(startLog).isTrue();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    new ProcessBuilder("bash", "scripts/standalone-cluster.sh", "--line", LINE, "stop").directory(ROOT.toFile())
        .redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
  }

  @Test
  @Order(1)
  void theClusterGivesTheSameBitsAsLocalWithOtherPartitioning() throws Exception {
    Path clusterOutput = dir.resolve("cluster-metrics");
    Result cluster = submit(manyFiles, clusterOutput, "cluster", "--conf", "spark.sql.files.maxPartitionBytes=65536");
    assertThat(cluster.code()).as(cluster.log()).isZero();
    Path localOutput = dir.resolve("local-metrics");
    Result local = SparkSubmitProcess.run(dir, "local[2]", jobArgs(oneFile, localOutput, "local"));
    assertThat(local.code()).as(local.log()).isZero();
    assertThat(metrics(clusterOutput)).hasSize(4);
    assertSameBits(metrics(clusterOutput), metrics(localOutput));
  }

  @Test
  @Order(2)
  void anExecutorKilledMidRunChangesNoBit() throws Exception {
    TestLines.assumeDefaultLine();
    // enough tasks (48 files, one task each) that a kill lands while the job runs
    spark().sql(QUERY.replace("ROWS", "1000000")).repartition(48).write().parquet(large.toString());
    undisturbed = dir.resolve("undisturbed");
    Result calm = submit(large, undisturbed, "calm", ONE_FILE_PER_TASK);
    assertThat(calm.code()).as(calm.log()).isZero();
    Path output = dir.resolve("executor-killed");
    Result disturbed = submitAndKill(output, () -> {
      ProcessHandle executor = executors().get(0);
      executor.destroyForcibly();
      return "executor " + executor.pid();
    });
    assertSameBits(metrics(output), metrics(undisturbed));
  }

  @Test
  @Order(3)
  void aWorkerKilledWithItsExecutorMidRunChangesNoBit() throws Exception {
    Path output = dir.resolve("worker-killed");
    submitAndKill(output, () -> {
      long pid = Long.parseLong(Files.readString(sparkHome().resolve("run/worker-1.pid")).trim());
      ProcessHandle worker = ProcessHandle.of(pid).orElseThrow();
      // the machine goes away: its executor with it
      worker.descendants().forEach(ProcessHandle::destroyForcibly);
      worker.destroyForcibly();
      return "worker " + pid;
    });
    assertSameBits(metrics(output), metrics(undisturbed));
  }

  /**
   * Runs the large input and kills once the scan has finished some of its tasks (on the default
   * line, {@link TestLines}: the recovery is Spark's scheduler, the bits our aggregates').
   */
  private static Result submitAndKill(Path output, java.util.concurrent.Callable<String> kill) throws Exception {
    TestLines.assumeDefaultLine();
    SparkSubmitProcess job = SparkSubmitProcess.start(dir, SparkSubmitProcess.JAR, master(), true,
        withJobArgs(large, output, "disturbed", "--executor-memory", "512m", ONE_FILE_PER_TASK[0], ONE_FILE_PER_TASK[1]));
    String killed = null;
    for (int i = 0; i < 1200 && killed == null; i++) {
      Matcher progress = PROGRESS.matcher(job.log());
      while (progress.find()) {
        int done = Integer.parseInt(progress.group(1));
        int total = Integer.parseInt(progress.group(2));
        if (total >= 40 && done >= 4 && done < total - 8 && killed == null) {
          killed = kill.call();
        }
      }
      Thread.sleep(100);
    }
    Result result = job.await();
    assertThat(killed).as("the kill happened while the scan ran: " + result.log()).isNotNull();
    assertThat(result.code()).as(result.log()).isZero();
    assertThat(result.log()).as("the driver saw the loss").containsPattern("Lost executor|ExecutorLost|executor lost");
    return result;
  }

  private static List<ProcessHandle> executors() {
    String home = sparkHome().toString();
    List<ProcessHandle> executors = ProcessHandle.allProcesses()
        .filter(process -> process.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")
            && process.info().commandLine().orElse("").contains(home))
        .toList();
    assertThat(executors).as("executors of the cluster in " + home).isNotEmpty();
    return executors;
  }

  private static Path sparkHome() {
    return ROOT.resolve("job/v" + LINE + "/target/spark-home").toAbsolutePath().normalize();
  }

  private static void assertSameBits(List<Row> actual, List<Row> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < actual.size(); i++) {
      for (StructField field : actual.get(i).schema().fields()) {
        if (field.name().equals("evaluated_at") || field.name().equals("run_id")) {
          continue;
        }
        Object value = actual.get(i).getAs(field.name());
        Object other = expected.get(i).getAs(field.name());
        if (value instanceof Double) {
          assertThat(Double.doubleToRawLongBits((Double) value)).as(field.name() + " of row " + i)
              .isEqualTo(Double.doubleToRawLongBits((Double) other));
        } else {
          assertThat(value).as(field.name() + " of row " + i).isEqualTo(other);
        }
      }
    }
  }

  private static String master() {
    return "spark://127.0.0.1:" + port;
  }

  private static Result submit(Path input, Path output, String runId, String... sparkOptions) throws Exception {
    return SparkSubmitProcess.run(dir, master(), withJobArgs(input, output, runId, sparkOptions));
  }

  private static String[] withJobArgs(Path input, Path output, String runId, String... sparkOptions) {
    List<String> args = new ArrayList<>(Arrays.asList(sparkOptions));
    args.add("--");
    args.addAll(Arrays.asList(jobArgs(input, output, runId)));
    return args.toArray(new String[0]);
  }

  private static String[] jobArgs(Path input, Path output, String runId) {
    return new String[] {"--input", input.toString(), "--output", output.toString(), "--label", "label",
        "--logit", "logit", "--weight", "weight", "--slice", "model", "--run-id", runId};
  }

  private static List<Row> metrics(Path output) {
    return spark().read().parquet(output.toString()).orderBy("slice", "model").collectAsList();
  }
}
