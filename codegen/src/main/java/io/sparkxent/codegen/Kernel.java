package io.sparkxent.codegen;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public static method of a loss function class as the kernel behind one SQL argument
 * list. {@link KernelProcessor} writes, from these methods alone, every static {@code invoke}
 * ("magic method") Spark calls from generated code, in a raising ({@code Strict}) and a
 * NULL-returning ({@code OrNull}) variant, and the function's Java UDF.
 *
 * <p>Parameter types say what SQL passes: {@code double} a number; {@code double[]} an array or an
 * MLlib vector (one {@code invoke} for each); {@code ProbabilityCompat} an epsilon number or a
 * compat name. The enclosing class declares {@code public static final String NAME}.
 *
 * <pre>{@code
 * @Kernel
 * public static double loss(double label, double logit) {
 *   return BinaryCrossEntropy.fromLogit(label, logit);
 * }
 * }</pre>
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface Kernel {}
