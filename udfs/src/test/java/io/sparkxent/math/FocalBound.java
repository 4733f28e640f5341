package io.sparkxent.math;

/** The focal loss's documented bound: the focal factor raises the error of 1-p_t to gamma. */
final class FocalBound {
  private FocalBound() {}

  static double ulps(double gamma) {
    return 4 + 2 * gamma;
  }
}
