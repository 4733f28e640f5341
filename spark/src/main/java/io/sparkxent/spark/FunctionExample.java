package io.sparkxent.spark;

/**
 * A SQL example of a function and the value Spark prints for it: shown by {@code DESCRIBE FUNCTION
 * EXTENDED}, and run by a test that compares the printed value.
 */
public final class FunctionExample {
  private final String sql;
  private final String result;

  public FunctionExample(String sql, String result) {
    this.sql = sql;
    this.result = result;
  }

  /** {@code SELECT bce_logits(1, 0)}. */
  public String sql() {
    return sql;
  }

  /** {@code 0.6931471805599453}. */
  public String result() {
    return result;
  }
}
