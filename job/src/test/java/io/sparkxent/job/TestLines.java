package io.sparkxent.job;

import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Which Spark lines run the tests that exercise Spark's and Hadoop's machinery more than ours
 * (HDFS, the scripts at scale, the browser, the session catalog's writes, resolving {@code
 * --packages} from the local Maven repository): one line per Scala build
 * and Hadoop client, 4.1_2.13 (Hadoop 3.4.2) and 3.5_2.12 (Hadoop 3.3.4); killed executors and
 * Workers, Delta and the spark-submit table test on 4.1_2.13 alone. Every line runs everything
 * else; CI builds all four lines and must stay under 30 minutes on two cores.
 */
final class TestLines {
  static final String LINE = System.getProperty("xent.line", "4.1_2.13");
  private static final List<String> THOROUGH = List.of("4.1_2.13", "3.5_2.12");

  private TestLines() {}

  /**
   * Only on the default line: tests of what Spark does for us (the scheduler recovering a killed
   * executor or Worker), whose outcome our code cannot make differ between lines.
   */
  static void assumeDefaultLine() {
    Assumptions.assumeTrue(LINE.equals("4.1_2.13"), "runs on 4.1_2.13 only; this is " + LINE);
  }

  static void assumeThorough() {
    Assumptions.assumeTrue(THOROUGH.contains(LINE), "runs on " + THOROUGH + " only; this is " + LINE);
  }
}
