package io.sparkxent.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * Columns by name with the one quoting rule every entry point uses: the whole name between
 * backticks, a backtick doubled. A user's column name is thus always one top-level column, whatever
 * it contains (dots, backticks, spaces, non-ASCII letters), never a nested field path.
 *
 * <pre>{@code df.select(XentColumns.column("score.v2 `raw`"))}</pre>
 */
public final class XentColumns {
  private XentColumns() {}

  /** {@code `a.b`} for {@code a.b}, {@code `x``y`} for {@code x`y}. */
  public static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** The top-level column of exactly this name. */
  public static Column column(String name) {
    return functions.col(quoted(name));
  }
}
