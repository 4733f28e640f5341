package io.sparkxent.spark;

import java.util.List;

/** What {@code DESCRIBE FUNCTION EXTENDED} and the README's function table show of a function. */
public interface FunctionDocumentation {
  /** One line per accepted argument list: {@code bce_logits(label, logit [, label_smoothing])}. */
  List<String> usage();

  /** What the function computes, in one line. */
  String summary();

  /** SQL examples with their results. */
  List<FunctionExample> examples();
}
