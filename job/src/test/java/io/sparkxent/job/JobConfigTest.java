package io.sparkxent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
  @Test
  void flagsParseWithRepeatableSlices() {
    JobConfig config = JobConfig.parse(new String[] {
        "--input", "a,b", "--output", "out", "--label", "y", "--logit", "x", "--slice", "model",
        "--slice", "model, country", "--slice", "model", "--weight=w", "--on-invalid", "SKIP",
        "--label-smoothing", "0.1", "--run-id", "r1"}).orElseThrow();
    assertThat(config.inputs()).containsExactly("a", "b");
    assertThat(config.slices()).containsExactly(List.of("model"), List.of("model", "country"));
    assertThat(config.predictionKind()).isEqualTo("logit");
    assertThat(config.weightColumn()).contains("w");
    assertThat(config.skipInvalidRows()).isTrue();
    assertThat(config.lossParameters()).containsEntry(io.sparkxent.spark.LossParameter.LABEL_SMOOTHING, "0.1");
    assertThat(config.runId()).isEqualTo("r1");
    assertThat(config.format()).isEqualTo("parquet");
  }

  @Test
  void configFileKeysAreOverriddenByFlags(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("job.properties");
    Files.writeString(file, "input=from-file\noutput=out\nlabel=y\nprob=p\nslice=model;model,country\nformat=csv\n");
    JobConfig config = JobConfig.parse(new String[] {"--config", file.toString(), "--format", "json"}).orElseThrow();
    assertThat(config.inputs()).containsExactly("from-file");
    assertThat(config.format()).isEqualTo("json");
    assertThat(config.slices()).hasSize(2);
    assertThat(config.runId()).matches("\\d{8}T\\d{6}Z");
  }

  @Test
  void helpIsNotAConfig() {
    assertThat(JobConfig.parse(new String[] {"--help"})).isEmpty();
    assertThat(Help.TEXT).contains("--on-invalid", "--scored-output", "Exit codes");
  }

  @Test
  void helpListsEveryLossAndParameterFlagOfTheRegistry() {
    for (io.sparkxent.spark.LossDescriptor loss : io.sparkxent.spark.XentFunctions.losses()) {
      assertThat(Help.TEXT).contains(loss.name());
      for (io.sparkxent.spark.LossParameter parameter : loss.parameters()) {
        assertThat(Help.TEXT).contains("--" + parameter.jobFlag() + " " + parameter.metavar());
        assertThat(JobConfig.from(Map.of("input", "i", "output", "o", "label", "y", "logit", "x",
            parameter.jobFlag(), "0.1")).lossParameters()).containsEntry(parameter, "0.1");
      }
    }
    assertThat(Help.TEXT).contains("focal_bce_logits (required)").contains("; default keras (1e-7)")
        .contains("; default 0");
  }

  @Test
  void mistakesAreUsageErrorsThatSayWhatToDo() {
    assertThatThrownBy(() -> JobConfig.from(Map.of("output", "o", "label", "y", "logit", "x")))
        .isInstanceOf(UsageException.class).hasMessage("--input is required; see --help");
    assertThatThrownBy(() -> JobConfig.from(Map.of("input", "i", "output", "o", "label", "y", "logit", "x", "prob", "p")))
        .hasMessage("give exactly one of --logit, --prob, --logits, --probs (got logit, prob)");
    assertThatThrownBy(() -> JobConfig.from(Map.of("input", "i", "output", "o", "label", "y", "logit", "x", "format", "orc")))
        .hasMessage("--format orc is not one of parquet, csv, json");
    assertThatThrownBy(() -> JobConfig.from(Map.of("input", "i", "output", "o", "label", "y", "logit", "x", "colour", "red")))
        .hasMessage("unknown option --colour; see --help");
    assertThatThrownBy(() -> JobConfig.parse(new String[] {"--input"})).hasMessage("--input needs a value");
    assertThatThrownBy(() -> JobConfig.from(Map.of("input", "i", "output", "o", "label", "y", "logit", "x", "run-id", "a/b")))
        .hasMessageContaining("--run-id a/b may use only");
  }

  @Test
  void aCatalogTableMayStandInForTheDirectory() {
    JobConfig tableOnly = JobConfig.from(Map.of("input", "i", "output-table", "lake.evals.metrics", "label", "y", "logit", "x"));
    assertThat(tableOnly.output()).isEmpty();
    assertThat(tableOnly.outputTable()).contains("lake.evals.metrics");
    assertThat(tableOnly.reportRuns()).isEqualTo(30);
    JobConfig both = JobConfig.parse(new String[] {"--input", "i", "--output", "o", "--output-table", "metrics", "--label", "y",
        "--logit", "x", "--output-table-provider", "delta", "--report", "r.html", "--report-runs", "7"}).orElseThrow();
    assertThat(both.output()).contains("o");
    assertThat(both.tableProvider()).contains("delta");
    assertThat(both.report()).contains("r.html");
    assertThat(both.reportRuns()).isEqualTo(7);
    assertThatThrownBy(() -> JobConfig.from(Map.of("input", "i", "label", "y", "logit", "x")))
        .hasMessage("--output DIR or --output-table CATALOG.DB.TABLE (or both) is required; see --help");
    assertThatThrownBy(() -> JobConfig.from(Map.of("input", "i", "output-table", "a.b.c.d", "label", "y", "logit", "x")))
        .hasMessage("--output-table a.b.c.d is not [CATALOG.][DB.]TABLE of plain names (letters, digits, _)");
    assertThatThrownBy(() -> JobConfig.from(Map.of("input", "i", "output", "o", "label", "y", "logit", "x", "report-runs", "0")))
        .hasMessage("--report-runs 0 is not a whole number from 1 to 1000");
    assertThat(Help.TEXT).contains("--output-table TABLE", "--output-table-provider", "--staging-dir", "--report FILE",
        "--report-runs N", "_report.html");
  }

  @Test
  void theReportModeRefusesWhatItCannotDo() {
    assertThat(ReportJob.run(new String[] {"--output", "o", "--output-table", "t"})).isEqualTo(EvaluationJob.USAGE);
    assertThat(ReportJob.run(new String[] {"--output-table", "t"})).isEqualTo(EvaluationJob.USAGE);
    assertThat(ReportJob.run(new String[] {"--output", "o", "--label", "y"})).isEqualTo(EvaluationJob.USAGE);
  }
}
