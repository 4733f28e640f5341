package io.sparkxent.job;

import static io.sparkxent.spark.SharedSpark.spark;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scripts users run: spark-submit's options passed through, and a run with many slices on a small driver. */
class ScriptsIT {
  private static final Path ROOT = Paths.get(System.getProperty("project.root", ".."));
  private static final String LINE = System.getProperty("xent.line", "4.1_2.13");

  @TempDir
  static Path dir;

  record Run(int code, String output) {}

  private static Run bash(String script) throws Exception {
    Path log = Files.createTempFile(dir, "script", ".log");
    Process process = new ProcessBuilder("bash", "-c", script).directory(ROOT.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(600, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + Files.readString(log));
    }
    return new Run(process.exitValue(), Files.readString(log));
  }

  @Test
  void sparkSubmitOptionsAreSplitFromTheJobsOnes() throws Exception {
    String split = "set -euo pipefail; source scripts/jvm-options.sh; split_args 2g %s;"
        + " echo \"$DRIVER_MEMORY|${SUBMIT_ARGS[*]:-}|${JOB_ARGS[*]:-}|${#JOB_ARGS[@]}\"";
    assertThat(bash(String.format(split, "--driver-memory 8g --conf a=b --master 'local[2]' -- --input x --slice 'a b'")).output())
        .isEqualTo("8g|--conf a=b --master local[2]|--input x --slice a b|4\n");
    assertThat(bash(String.format(split, "--conf spark.driver.memory=3g --executor-memory 1g --input x")).output())
        .isEqualTo("3g|--executor-memory 1g|--input x|2\n");
    assertThat(bash(String.format(split, "--input x --driver-memory 1g")).output())
        .as("after the first job option, everything is the job's").isEqualTo("2g||--input x --driver-memory 1g|4\n");
    Run unknown = bash(String.format(split, "--input x -- --label y"));
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.output()).isEqualTo("error: --input is not a spark-submit option this script knows; the job's options go after --\n");
    Run badSize = bash(String.format(split, "--driver-memory lots"));
    assertThat(badSize.code()).isEqualTo(2);
    assertThat(badSize.output()).startsWith("error: driver memory lots is not a size");
  }

  /**
   * 200,000 distinct slice values through run-local.sh with a 1 GiB driver (the JVM's heap, set
   * from --driver-memory) and a 1 MiB spark.driver.maxResultSize: collecting the metrics rows (tens
   * of MB) would fail; written by the executors, they never reach the driver.
   */
  @Test
  void manySlicesOnASmallDriverThroughRunLocal() throws Exception {
    TestLines.assumeThorough();
    Path input = dir.resolve("many-slices");
    spark().sql("SELECT id % 200000 AS user_id, CAST(id % 3 = 0 AS DOUBLE) AS label, (id % 17 - 8) / 3D AS logit"
        + " FROM range(400000)").repartition(4).write().parquet(input.toString());
    Path output = dir.resolve("many-slices-metrics");
    Run run = bash("scripts/run-local.sh --line " + LINE + " --driver-memory 1g --driver-java-options -XX:+PrintFlagsFinal"
        + " --conf spark.driver.maxResultSize=1m --conf spark.sql.shuffle.partitions=8 --"
        + " --input " + input + " --output " + output + " --label label --logit logit --slice user_id --run-id many");
    assertThat(run.code()).as(run.output()).isZero();
    assertThat(run.output()).containsPattern("MaxHeapSize\\s+= 1073741824\\s");
    assertThat(run.output()).contains("spark-xent run many: bce_logits");
    assertThat(spark().read().parquet(output.toString()).count()).isEqualTo(200_001);
    Row overall = spark().read().parquet(output.toString()).where("slice = 'overall'").first();
    assertThat(overall.<Long>getAs("rows")).isEqualTo(400_000);
    assertThat(Files.readString(output.resolve("run_id=many").resolve("_summary.json"))).contains("\"metric_rows\" : 200001");
  }
}
