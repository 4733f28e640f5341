package io.sparkxent.job;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The packaged job in a child JVM through {@code org.apache.spark.deploy.SparkSubmit}, what {@code
 * spark-submit} runs: Spark's options, then {@code --}, then the job's (or only the job's).
 */
final class SparkSubmitProcess {
  static final Path ROOT = Paths.get(System.getProperty("project.root", ".."));
  static final String JAR = System.getProperty("job.jar");
  /** The Spark line this module builds, whose Spark the cluster runs. */
  static final String LINE = System.getProperty("xent.line", "4.1_2.13");

  record Result(int code, String log) {
    /** The last line printed that is not blank. */
    String lastLine() {
      List<String> lines = log.lines().filter(line -> !line.isBlank()).toList();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
  }

  private final Process process;
  private final Path log;

  private SparkSubmitProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts the job; {@code quietLog}: the scripts' log4j2 configuration, else Spark's default (INFO). */
  static SparkSubmitProcess start(Path logDir, String jar, String master, boolean quietLog, String... args) throws Exception {
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
    if (quietLog) {
      command.add("-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties"));
    }
    command.add("-cp");
    command.add(sparkClasspath());
    command.add("org.apache.spark.deploy.SparkSubmit");
    command.addAll(List.of("--master", master, "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1"));
    command.addAll(sparkOptions);
    command.addAll(List.of("--class", EvaluationJob.class.getName(), jar));
    command.addAll(jobOptions);
    Path log = Files.createTempFile(logDir, "submit", ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new SparkSubmitProcess(process, log);
  }

  static Result run(Path logDir, String master, String... args) throws Exception {
    return start(logDir, JAR, master, true, args).await();
  }

  /** What the job has printed so far. */
  String log() throws Exception {
    return Files.readString(log);
  }

  Result await() throws Exception {
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("spark-submit timed out: " + log());
    }
    return new Result(process.exitValue(), log());
  }

  /** This JVM's classpath without our own classes, which the job jar carries. */
  private static String sparkClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.contains("spark-xent") && !entry.endsWith("classes"))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
