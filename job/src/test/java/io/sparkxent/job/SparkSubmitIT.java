package io.sparkxent.job;

import io.sparkxent.spark.XentSessionExtensions;
import static io.sparkxent.spark.SharedSpark.spark;
import static org.assertj.core.api.Assertions.assertThat;

import io.sparkxent.math.BinaryCrossEntropy;
import io.sparkxent.math.Exact;
import java.io.File;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged job run the way users run it: through {@code org.apache.spark.deploy.SparkSubmit}
 * (what {@code spark-submit} runs) in a child JVM, on local[2] and on the standalone cluster that
 * {@code scripts/standalone-cluster.sh} starts (executors in their own JVMs).
 */
class SparkSubmitIT {
  private static final Path ROOT = Paths.get(System.getProperty("project.root", ".."));
  private static final String JAR = System.getProperty("job.jar");
  /** The Spark line this module builds, whose Spark the cluster runs. */
  private static final String LINE = System.getProperty("xent.line", "4.1_2.13");

  @TempDir
  static Path dir;
  static Path oneFile;
  static Path manyFiles;

  @BeforeAll
  static void writeInputs() {
    String query = "SELECT concat('m', CAST(id % 3 AS STRING)) AS model, CAST(id % 4 = 0 AS DOUBLE) AS label,"
        + " (rand(5) - 0.5) * pow(10, CAST(id % 9 AS INT) - 2) AS logit, 0.5 + rand(6) AS weight FROM range(40000)";
    oneFile = dir.resolve("one-file");
    manyFiles = dir.resolve("many-files");
    spark().sql(query).coalesce(1).write().parquet(oneFile.toString());
    // the same rows in another order, in 8 files
    spark().read().parquet(oneFile.toString()).orderBy(org.apache.spark.sql.functions.rand(1)).repartition(8)
        .write().parquet(manyFiles.toString());
  }

  @Test
  void localRunThroughSparkSubmitGivesTheExactValues() throws Exception {
    Path output = dir.resolve("local-metrics");
    // naming the extension in spark.sql.extensions as well as in the jar's service file is harmless
    Result result = submit("local[2]", oneFile, output, "local",
        "--conf", "spark.sql.extensions=io.sparkxent.spark.XentSessionExtensions");
    assertThat(result.code).as(result.log).isZero();
    assertThat(result.log).contains("spark-xent run local: bce_logits");
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal weights = BigDecimal.ZERO;
    for (Row row : spark().read().parquet(oneFile.toString()).collectAsList()) {
      BigDecimal weight = new BigDecimal(row.getDouble(3));
      sum = sum.add(weight.multiply(new BigDecimal(BinaryCrossEntropy.fromLogit(row.getDouble(1), row.getDouble(2)))));
      weights = weights.add(weight);
    }
    Row overall = spark().read().parquet(output.toString()).where("slice = 'overall'").first();
    assertThat(overall.getDouble(overall.fieldIndex("loss_sum"))).isEqualTo(Exact.correctlyRounded(sum));
    assertThat(overall.getDouble(overall.fieldIndex("loss_mean")))
        .isEqualTo(Exact.correctlyRounded(sum.divide(weights, new MathContext(100, RoundingMode.HALF_EVEN))));
  }

  /**
   * {@code --packages io.sparkxent:spark-xent-<line>:<version>} as a user types it, resolved by
   * Spark's own resolver from the local Maven repository that {@code mvn install} filled (offline:
   * nothing else is asked for): the job's classes alone (the unshaded jar) find the functions there.
   */
  @Test
  void packagesResolveTheFunctionsFromTheLocalMavenRepository() throws Exception {
    Path output = dir.resolve("packages-metrics");
    String coordinates = "io.sparkxent:spark-xent-" + LINE + ":" + System.getProperty("xent.version");
    List<String> args = new ArrayList<>(List.of("--packages", coordinates,
        "--conf", "spark.jars.ivy=" + dir.resolve("ivy"), "--"));
    args.addAll(List.of("--input", oneFile.toString(), "--output", output.toString(), "--label", "label",
        "--logit", "logit", "--weight", "weight", "--slice", "model", "--run-id", "packages"));
    Result result = launch(System.getProperty("job.classes.jar"), "local[2]", args.toArray(new String[0]));
    assertThat(result.code).as(result.log).isZero();
    assertThat(result.log).contains("found io.sparkxent#spark-xent-" + LINE + ";" + System.getProperty("xent.version") + " in local-m2-cache");
    Result shaded = submit("local[2]", oneFile, dir.resolve("shaded-metrics"), "shaded");
    assertThat(shaded.code).as(shaded.log).isZero();
    assertThat(metrics(output).get(0).<Double>getAs("loss_mean"))
        .isEqualTo(metrics(dir.resolve("shaded-metrics")).get(0).<Double>getAs("loss_mean"));
  }

  @Test
  void userMistakesExitTwoWithOneLineAndNoStackTrace() throws Exception {
    Result result = run("local[1]", "--input", oneFile.toString(), "--output", dir.resolve("never").toString(),
        "--label", "y", "--logit", "logit");
    assertThat(result.code).isEqualTo(2);
    assertThat(result.log).contains("error: column `y` (--label) is not in the input; its columns are model, label, logit, weight")
        .doesNotContain("\tat ");
    assertThat(Files.exists(dir.resolve("never"))).isFalse();
  }

  @Test
  void standaloneClusterGivesTheSameBitsAsLocalWithOtherPartitioning() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process start = new ProcessBuilder("bash", "scripts/standalone-cluster.sh", "--line", LINE, "start",
        Integer.toString(port)).directory(ROOT.toFile()).redirectErrorStream(true).start();
    String startLog = new String(start.getInputStream().readAllBytes());
    assertThat(start.waitFor(180, TimeUnit.SECONDS) && start.exitValue() == 0).as(startLog).isTrue();
    try {
      Path clusterOutput = dir.resolve("cluster-metrics");
      Result cluster = submit("spark://127.0.0.1:" + port, manyFiles, clusterOutput, "cluster",
          "--executor-memory", "512m", "--conf", "spark.sql.files.maxPartitionBytes=65536");
      assertThat(cluster.code).as(cluster.log).isZero();
      Path localOutput = dir.resolve("local-metrics-2");
      Result local = submit("local[2]", oneFile, localOutput, "local");
      assertThat(local.code).as(local.log).isZero();
      List<Row> clusterRows = metrics(clusterOutput);
      List<Row> localRows = metrics(localOutput);
      assertThat(clusterRows).hasSize(4);
      for (int i = 0; i < clusterRows.size(); i++) {
        for (String column : new String[] {"rows", "loss_sum", "loss_mean", "weight_sum", "loss_stddev"}) {
          assertThat(clusterRows.get(i).<Object>getAs(column)).as(column).isEqualTo(localRows.get(i).getAs(column));
        }
        assertThat(Double.doubleToRawLongBits(clusterRows.get(i).getAs("loss_mean")))
            .isEqualTo(Double.doubleToRawLongBits(localRows.get(i).getAs("loss_mean")));
      }
    } finally {
      new ProcessBuilder("bash", "scripts/standalone-cluster.sh", "--line", LINE, "stop").directory(ROOT.toFile())
          .redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
    }
  }

  private static List<Row> metrics(Path output) {
    return spark().read().parquet(output.toString()).orderBy("slice", "model").collectAsList();
  }

  private static Result submit(String master, Path input, Path output, String runId, String... sparkOptions)
      throws Exception {
    List<String> args = new ArrayList<>(Arrays.asList(sparkOptions));
    args.add("--");
    args.addAll(List.of("--input", input.toString(), "--output", output.toString(), "--label", "label",
        "--logit", "logit", "--weight", "weight", "--slice", "model", "--run-id", runId));
    return run(master, args.toArray(new String[0]));
  }

  record Result(int code, String log) {}

  /** Spark options, then {@code --}, then the job's options (or only the job's options). */
  private static Result run(String master, String... args) throws Exception {
    return launch(JAR, master, args);
  }

  private static Result launch(String jar, String master, String... args) throws Exception {
    List<String> sparkOptions = new ArrayList<>();
    List<String> jobOptions = new ArrayList<>(Arrays.asList(args));
    int separator = jobOptions.indexOf("--");
    if (separator >= 0) {
      sparkOptions.addAll(jobOptions.subList(0, separator));
      jobOptions = new ArrayList<>(jobOptions.subList(separator + 1, jobOptions.size()));
    }
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(Arrays.asList(System.getProperty("spark.add-opens", "").trim().split("\\s+")));
    command.add("-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties"));
    command.add("-cp");
    command.add(sparkClasspath());
    command.add("org.apache.spark.deploy.SparkSubmit");
    command.addAll(List.of("--master", master, "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1"));
    command.addAll(sparkOptions);
    command.addAll(List.of("--class", EvaluationJob.class.getName(), jar));
    command.addAll(jobOptions);
    File log = Files.createTempFile(dir, "submit", ".log").toFile();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("spark-submit timed out: " + Files.readString(log.toPath()));
    }
    return new Result(process.exitValue(), Files.readString(log.toPath()));
  }

  /** This JVM's classpath without our own classes, which the job jar carries. */
  private static String sparkClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.contains("spark-xent") && !entry.endsWith("classes"))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
