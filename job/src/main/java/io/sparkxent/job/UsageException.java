package io.sparkxent.job;

/** A user mistake (a flag, a column, a type): one line on stderr and exit code 2, no stack trace. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
