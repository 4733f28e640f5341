package io.sparkxent.job;

import static io.sparkxent.spark.SharedSpark.spark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HDFS for real: a NameNode and a DataNode in this JVM ({@code MiniDFSCluster}, the Hadoop release
 * the Spark line builds with), reached through the Hadoop client as on a cluster. The publish
 * protocol's contract (failures and kills at every step, the lock, orphans) runs here too, and the
 * job reads its predictions from HDFS and publishes there.
 */
class HdfsTest extends PublishProtocolContract {
  private static MiniDFSCluster cluster;
  private static Configuration conf;

  @BeforeAll
  static void startHdfs() throws Exception {
    TestLines.assumeThorough(); // one line per Hadoop client: 3.4.2 (Spark 4.1) and 3.3.4 (Spark 3.5)
    conf = new Configuration();
    File base = new File("target/minidfs-" + ProcessHandle.current().pid()).getAbsoluteFile();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getPath());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown(true);
    }
  }

  @Override
  Path root() {
    return new Path(cluster.getURI().toString(), "/tests");
  }

  @Override
  Configuration hadoop() {
    return conf;
  }

  private static JobConfig config(String input, String output, String runId, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("--input", input, "--output", output, "--label", "label",
        "--logit", "logit", "--weight", "weight", "--slice", "model", "--run-id", runId));
    args.addAll(List.of(extra));
    return JobConfig.parse(args.toArray(new String[0])).orElseThrow();
  }

  @Test
  void theJobReadsFromAndPublishesToHdfsWithTheSameBitsAsLocally() throws Exception {
    String query = "SELECT concat('m', CAST(id % 3 AS STRING)) AS model, CAST(id % 4 = 0 AS DOUBLE) AS label,"
        + " (rand(3) - 0.5) * 40 AS logit, 0.5 + rand(4) AS weight FROM range(20000)";
    String hdfs = new Path(dir, "predictions").toString();
    spark().sql(query).repartition(5).write().parquet(hdfs);
    String local = new File("target/hdfs-test-local-" + java.util.UUID.randomUUID()).getAbsolutePath();
    spark().read().parquet(hdfs).coalesce(1).write().parquet(local);

    String output = new Path(dir, "metrics").toString();
    EvaluationJob.Result onHdfs = EvaluationJob.evaluate(spark(), config(hdfs, output, "day1",
        "--scored-output", new Path(dir, "scored").toString()));
    EvaluationJob.Result onDisk = EvaluationJob.evaluate(spark(), config(local, local + "-metrics", "day1"));
    assertThat(onHdfs.location).startsWith("hdfs://");
    List<Row> hdfsRows = MetricsRows.of(onHdfs);
    List<Row> localRows = MetricsRows.of(onDisk);
    assertThat(hdfsRows).hasSize(4);
    for (int i = 0; i < hdfsRows.size(); i++) {
      for (String column : List.of("loss_sum", "loss_mean", "weight_sum", "loss_stddev", "label_mean")) {
        assertThat(Double.doubleToRawLongBits(hdfsRows.get(i).getAs(column))).as(column)
            .isEqualTo(Double.doubleToRawLongBits(localRows.get(i).getAs(column)));
      }
    }
    assertThat(spark().read().parquet(new Path(dir, "scored").toString()).count()).isEqualTo(20000);
    assertThat(fs().exists(new Path(output, "run_id=day1/_summary.json"))).isTrue();

    // a second run id beside it, then a re-run of the first replacing it in one step
    EvaluationJob.evaluate(spark(), config(hdfs, output, "day2"));
    EvaluationJob.evaluate(spark(), config(hdfs, output, "day1", "--label-smoothing", "0.1"));
    assertThat(spark().read().parquet(output).groupBy("run_id").count().collectAsList()).hasSize(2);
    assertThat(spark().read().parquet(output).where("run_id = 'day1'").select("loss_function").distinct()
        .collectAsList()).extracting(row -> row.getString(0)).containsExactly("bce_logits(ls=0.1)");

    // a run that fails between moving the old run aside and moving the new one in: the old run is
    // back before the job returns, and nothing hidden is left
    RunPublisher.faults = step -> {
      if (step == RunPublisher.Step.MOVED_ASIDE) {
        throw new IllegalStateException("injected on HDFS");
      }
    };
    assertThatThrownBy(() -> EvaluationJob.evaluate(spark(), config(hdfs, output, "day2", "--label-smoothing", "0.2")))
        .hasMessage("injected on HDFS");
    RunPublisher.faults = step -> { };
    assertThat(spark().read().parquet(output).where("run_id = 'day2'").select("loss_function").first().getString(0))
        .isIn("bce_logits", "bce_logits(ls=0.2)");
    assertThat(List.of(fs().listStatus(new Path(output)))).extracting(status -> status.getPath().getName())
        .containsExactlyInAnyOrder("run_id=day1", "run_id=day2");
  }
}
