package io.sparkxent.spark;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NullType;
import java.util.stream.Collectors;

/**
 * One accepted argument list of a loss function: its argument names and, per argument, the kinds
 * it takes ({@code NUMBER}, or {@code ARRAY} or {@code VECTOR} for predictions).
 */
final class Overload {
  private final List<String> names;
  private final List<List<ArgumentKind>> kinds;

  private Overload(List<String> names, List<List<ArgumentKind>> kinds) {
    this.names = names;
    this.kinds = kinds;
  }

  /**
   * Parses {@code "label:number, logits:array|vector"}: the argument names double as the SQL
   * usage line and as the names error messages use.
   */
  static Overload of(String signature) {
    List<String> names = new java.util.ArrayList<>();
    List<List<ArgumentKind>> kinds = new java.util.ArrayList<>();
    for (String argument : signature.split(",")) {
      String[] parts = argument.trim().split(":");
      names.add(parts[0]);
      List<ArgumentKind> accepted = new java.util.ArrayList<>();
      for (String kind : parts[1].split("\\|")) {
        accepted.add(ArgumentKind.valueOf(kind.trim().toUpperCase(java.util.Locale.ROOT)));
      }
      kinds.add(List.copyOf(accepted));
    }
    return new Overload(List.copyOf(names), List.copyOf(kinds));
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
  List<List<ArgumentKind>> kinds() {
    return kinds;
  }

  /** {@code (label, logit)}, as the usage line shows it. */
  String argumentList() {
    return "(" + String.join(", ", names) + ")";
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
