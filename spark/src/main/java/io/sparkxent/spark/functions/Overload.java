package io.sparkxent.spark.functions;

import io.sparkxent.spark.LossDescriptor;
import io.sparkxent.spark.LossDescriptor.Label;
import io.sparkxent.spark.LossDescriptor.Shape;
import io.sparkxent.spark.LossParameter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NullType;
import java.util.stream.Collectors;

/**
 * One accepted argument list of a loss function: its argument names and, per argument, the kinds
 * it takes ({@code NUMBER}, or {@code ARRAY} or {@code VECTOR} for predictions).
 */
public final class Overload {
  private final List<String> names;
  private final List<List<ArgumentKind>> kinds;

  private Overload(List<String> names, List<List<ArgumentKind>> kinds) {
    this.names = names;
    this.kinds = kinds;
  }

  /**
   * Every argument list of a loss: per prediction shape, the label and the prediction, then each
   * count of trailing parameters from the required ones to all; an epsilon parameter is an
   * {@code epsilon} number or a {@code compat} string.
   */
  static List<Overload> allOf(LossDescriptor descriptor) {
    List<Overload> overloads = new ArrayList<>();
    for (Shape shape : descriptor.shapes()) {
      List<ArgumentKind> series = shape == Shape.SCALAR ? List.of(ArgumentKind.NUMBER)
          : List.of(ArgumentKind.ARRAY, ArgumentKind.VECTOR);
      Overload base = new Overload(
          List.of(descriptor.label().argumentName(shape), descriptor.prediction().argumentName(shape)),
          List.of(descriptor.label() == Label.CLASS_INDEX ? List.of(ArgumentKind.NUMBER) : series, series));
      List<LossParameter> parameters = descriptor.parameters();
      for (int count = descriptor.requiredParameters(); count <= parameters.size(); count++) {
        List<Overload> lists = List.of(base);
        for (LossParameter parameter : parameters.subList(0, count)) {
          List<Overload> extended = new ArrayList<>();
          for (Overload prefix : lists) {
            extended.add(prefix.with(parameter.sqlName(), ArgumentKind.NUMBER));
            if (parameter.acceptsCompatName()) {
              extended.add(prefix.with("compat", ArgumentKind.TEXT));
            }
          }
          lists = extended;
        }
        overloads.addAll(lists);
      }
    }
    return List.copyOf(overloads);
  }

  private Overload with(String name, ArgumentKind kind) {
    List<String> longerNames = new ArrayList<>(names);
    longerNames.add(name);
    List<List<ArgumentKind>> longerKinds = new ArrayList<>(kinds);
    longerKinds.add(List.of(kind));
    return new Overload(List.copyOf(longerNames), List.copyOf(longerKinds));
  }

  /** Whether the argument types fit; an untyped NULL literal fits any argument. */
  boolean accepts(DataType[] actual) {
    if (actual.length != kinds.size()) {
      return false;
    }
    for (int i = 0; i < actual.length; i++) {
      ArgumentKind kind = ArgumentKind.of(actual[i]);
      if (!(actual[i] instanceof NullType) && (kind == null || !kinds.get(i).contains(kind))) {
        return false;
      }
    }
    return true;
  }

  /** The types the bound function declares, which Spark casts the arguments to. */
  DataType[] declaredTypes(DataType[] actual) {
    DataType[] declared = new DataType[actual.length];
    for (int i = 0; i < actual.length; i++) {
      ArgumentKind kind = actual[i] instanceof NullType ? kinds.get(i).get(0) : ArgumentKind.of(actual[i]);
      declared[i] = kind.declaredType(actual[i]);
    }
    return declared;
  }

  /** The kinds each argument accepts. */
  public List<List<ArgumentKind>> kinds() {
    return kinds;
  }

  /** {@code label numeric, logits array<double> or vector}, for error messages. */
  String describe() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        text.append(", ");
      }
      text.append(names.get(i)).append(' ')
          .append(kinds.get(i).stream().map(ArgumentKind::sqlName).collect(Collectors.joining(" or ")));
    }
    return text.toString();
  }
}
