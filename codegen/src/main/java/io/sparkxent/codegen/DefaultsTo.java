package io.sparkxent.codegen;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a trailing {@link Kernel} parameter optional in SQL: the argument lists without it call
 * the kernel with this Java expression (evaluated in the generated class, which imports {@code
 * io.sparkxent.math.ProbabilityCompat}).
 *
 * <pre>{@code
 * @Kernel
 * public static double loss(double[] labels, double[] logits, @DefaultsTo("0.0") double labelSmoothing)
 * }</pre>
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.PARAMETER)
public @interface DefaultsTo {
  String value();
}
