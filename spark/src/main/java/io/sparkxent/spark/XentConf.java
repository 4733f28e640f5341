package io.sparkxent.spark;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.internal.SQLConf$;

/**
 * Every setting of spark-xent, declared the way Spark declares its own ({@code buildConf} with a
 * doc string, a version and a typed default), so {@code SET -v} lists them and {@code
 * SQLConf.getConf} parses them; a {@code spark.xent.*} key that is not declared here draws a
 * warning when a session starts (see {@link #unknownKeys}).
 *
 * <pre>{@code SET spark.xent.exactAggregatePlanning.enabled=false}</pre>
 */
public final class XentConf {
  public static final String PREFIX = "spark.xent.";

  public static final ConfigEntry<Object> EXACT_AGGREGATE_PLANNING =
      SQLConf$.MODULE$.buildConf(PREFIX + "exactAggregatePlanning.enabled")
          .doc("When true (the default), aggregations made only of loss_sum, loss_mean and loss_stats run in"
              + " spark-xent's own exact operators (partial states inside the scan's generated code). When"
              + " false, Spark plans them as any typed aggregate (ObjectHashAggregate). The results are the"
              + " same bits either way; this switch exists for comparison and as an escape hatch.")
          .version("0.1.0")
          .booleanConf()
          .createWithDefault(Boolean.TRUE);

  public static final ConfigEntry<Object> FINEST_GRAIN_PLANNING =
      SQLConf$.MODULE$.buildConf(PREFIX + "finestGrainPlanning.enabled")
          .doc("When true (the default), GROUPING SETS, ROLLUP and CUBE made only of spark-xent's aggregates"
              + " aggregate every row once, by all the grouping columns together, and expand the partial states"
              + " to each grouping set, instead of expanding every row; skipped when column statistics show"
              + " more than one value of those columns per 8 rows. The results are the same bits either way.")
          .version("0.1.0")
          .booleanConf()
          .createWithDefault(Boolean.TRUE);

  private static final List<ConfigEntry<?>> ALL = List.of(EXACT_AGGREGATE_PLANNING, FINEST_GRAIN_PLANNING);

  private XentConf() {}

  /** Whether our planner strategy plans our aggregates in the current session. */
  public static boolean exactAggregatePlanning() {
    return (Boolean) SQLConf.get().getConf(EXACT_AGGREGATE_PLANNING);
  }

  /** Whether GROUPING SETS of our aggregates merge from the finest grain (see FinestGrainPlan). */
  public static boolean finestGrainPlanning() {
    return (Boolean) SQLConf.get().getConf(FINEST_GRAIN_PLANNING);
  }

  /** Every declared setting. */
  public static List<ConfigEntry<?>> all() {
    return ALL;
  }

  /** The {@code spark.xent.*} keys of a configuration that no setting declares: typos, most likely. */
  public static List<String> unknownKeys(Map<String, String> configuration) {
    return configuration.keySet().stream()
        .filter(key -> key.startsWith(PREFIX))
        .filter(key -> ALL.stream().noneMatch(entry -> entry.key().equals(key)))
        .sorted()
        .collect(Collectors.toList());
  }
}
