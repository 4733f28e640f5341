package io.sparkxent.job;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --output-table} on Delta Lake, the scenario of {@link CatalogTableTest}. Delta needs its
 * session extension and catalog from the session's start, so this class runs in its own test JVM
 * (the {@code delta} surefire execution of the Spark 4.0 and 4.1 lines, whose Delta releases
 * resolve here), with {@code spark.sql.extensions} and {@code spark.sql.catalog.spark_catalog} as
 * system properties the shared session picks up.
 */
class DeltaTableTest {
  @TempDir
  static Path dir;

  @BeforeAll
  static void data() {
    CatalogTableTest.data(dir);
    CatalogTableTest.provider = Optional.of("delta");
  }

  @AfterAll
  static void reset() {
    CatalogTableTest.provider = Optional.empty();
  }

  @Test
  void createdAppendedReplacedEvolvedAndNeverHalfWritten() {
    CatalogTableTest.scenario("spark_catalog.evals.delta_metrics");
  }
}
