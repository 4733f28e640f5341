package io.sparkxent.spark;

import static io.sparkxent.spark.SharedSpark.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class XentConfTest {
  @Test
  void settingsAreListedBySetVerboseWithTheirDocAndDefault() {
    List<Row> rows = sql("SET -v");
    Row planning = rows.stream().filter(row -> row.getString(0).equals(XentConf.EXACT_AGGREGATE_PLANNING.key()))
        .findFirst().orElseThrow();
    assertThat(planning.getString(1)).isEqualTo("true");
    assertThat(planning.getString(2)).contains("exact operators");
  }

  @Test
  void aSessionValueIsReadTypedAndAMisspeltKeyIsReported() {
    sql("SET spark.xent.exactAggregatePlanning.enabled=false");
    try {
      assertThat(XentConf.exactAggregatePlanning()).isFalse();
    } finally {
      sql("RESET spark.xent.exactAggregatePlanning.enabled");
    }
    assertThat(XentConf.exactAggregatePlanning()).isTrue();
    assertThat(XentConf.unknownKeys(Map.of("spark.xent.exactAggregatePlaning.enabled", "false",
        XentConf.EXACT_AGGREGATE_PLANNING.key(), "true", "spark.sql.ansi.enabled", "true")))
        .containsExactly("spark.xent.exactAggregatePlaning.enabled");
  }
}
