package io.sparkxent.math;

import java.util.Locale;

/**
 * An argument outside a loss function's domain: a label or probability outside [0, 1], a class
 * index that is not in [0, C), arrays of different length, and the like.
 *
 * <p>The kernels know the argument and the valid range but not the SQL name they were called
 * under; the Spark layer adds it with {@link #inFunction(String)} on its (rare) error path, so the
 * message reads {@code bce_logits: label = 1.5 is outside the valid range [0, 1]}.
 */
public final class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String argument;
  private final String value;
  private final String expected;
  private String function;

  public InvalidInputException(String argument, String value, String expected) {
    super((String) null);
    this.argument = argument;
    this.value = value;
    this.expected = expected;
  }

  public InvalidInputException(String argument, double value, String expected) {
    this(argument, format(value), expected);
  }

  /**
   * No stack trace: the message says all a user needs, and a non-ANSI query that turns millions
   * of invalid rows into NULL must not pay for capturing one per row.
   */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }

  /** Names the SQL function (or column) the bad argument was passed to; returns this exception. */
  public InvalidInputException inFunction(String functionName) {
    this.function = functionName;
    return this;
  }

  public String argument() {
    return argument;
  }

  public String value() {
    return value;
  }

  public String expected() {
    return expected;
  }

  public String function() {
    return function;
  }

  @Override
  public String getMessage() {
    String where = function == null ? "" : function + ": ";
    return where + argument + " = " + value + " is invalid; expected " + expected;
  }

  /** Shortest text that reads back as the same double ({@code 1.0E-300}, {@code NaN}). */
  public static String format(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return Double.toString(value);
  }
}
