package io.sparkxent.spark.aggregates;

import io.sparkxent.math.InvalidInputException;
import io.sparkxent.math.LabelEntropy;
import io.sparkxent.spark.FunctionExample;
import io.sparkxent.spark.functions.ArgumentKind;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The entropy of the labels' (weighted) empirical distribution, the denominator of normalized
 * entropy ({@code loss_mean(...) / label_entropy(label)}), from exact per-class sums
 * ({@link LabelEntropy}): {@code label_entropy(label [, weight])} for binary labels in [0, 1] or
 * arrays of one-hot or soft labels, {@code class_entropy(class_index [, weight])} for class indices.
 * Rows with a NULL label or weight are skipped; no rows (or zero weight) give NULL.
 */
public final class EntropyFunction extends SelfDocumentedFunction {
  public static final String LABELS = "label_entropy";
  public static final String CLASSES = "class_entropy";

  private final String name;

  private EntropyFunction(String name) {
    super(name, "agg_funcs", name + (name.equals(LABELS) ? "(label [, weight])" : "(class_index [, weight])"));
    this.name = name;
  }

  public static EntropyFunction labels() {
    return new EntropyFunction(LABELS);
  }

  public static EntropyFunction classes() {
    return new EntropyFunction(CLASSES);
  }

  @Override
  public String summary() {
    return name.equals(LABELS)
        ? "the entropy (nats) of the weighted label distribution: H(q) of the mean q of binary labels in [0, 1],"
            + " or -sum p_c ln p_c of the mean of one-hot or soft label arrays; from exact sums, within 8 ulp."
            + " loss_mean(...) / label_entropy(label) is the normalized entropy."
        : "the entropy (nats) of the weighted frequencies of class indices, -sum p_c ln p_c; from exact sums,"
            + " within 8 ulp. loss_mean(sparse_cce_logits(...)) / class_entropy(label) is the normalized entropy.";
  }

  @Override
  public List<FunctionExample> examples() {
    return name.equals(LABELS)
        ? List.of(new FunctionExample("SELECT label_entropy(y) FROM VALUES (0), (1) AS t(y)", "0.6931471805599453"),
            new FunctionExample("SELECT label_entropy(y) FROM VALUES (array(1, 0)), (array(0, 1)) AS t(y)",
                "0.6931471805599453"))
        : List.of(new FunctionExample("SELECT class_entropy(c) FROM VALUES (0), (1), (2), (3) AS t(c)",
            "1.3862943611198906"));
  }

  @Override
  public BoundFunction bind(StructType inputType) {
    DataType[] types = java.util.Arrays.stream(inputType.fields()).map(field -> field.dataType()).toArray(DataType[]::new);
    boolean arrayLabel = types.length > 0 && ArgumentKind.of(types[0]) == ArgumentKind.ARRAY && name.equals(LABELS);
    boolean fits = types.length >= 1 && types.length <= 2
        && (arrayLabel || ArgumentKind.of(types[0]) == ArgumentKind.NUMBER)
        && (types.length == 1 || ArgumentKind.of(types[1]) == ArgumentKind.NUMBER);
    if (!fits) {
      throw new UnsupportedOperationException(name + " takes " + usage().get(0) + " with a numeric"
          + (name.equals(LABELS) ? " or array" : "") + " label and a numeric weight; got " + inputType.simpleString());
    }
    return new Bound(name, arrayLabel, types.length == 2);
  }

  static final class Bound implements AggregateFunction<Serializable, Double> {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final boolean arrayLabel;
    private final boolean weighted;

    Bound(String name, boolean arrayLabel, boolean weighted) {
      this.name = name;
      this.arrayLabel = arrayLabel;
      this.weighted = weighted;
    }

    @Override
    public Serializable newAggregationState() {
      return new LabelEntropy();
    }

    @Override
    public Serializable update(Serializable buffer, InternalRow input) {
      if (input.isNullAt(0) || (weighted && input.isNullAt(1))) {
        return buffer;
      }
      LabelEntropy state = LabelEntropy.from(buffer);
      double weight = weighted ? input.getDouble(1) : 1;
      try {
        if (arrayLabel) {
          state.addDistribution(input.getArray(0).toDoubleArray(), weight);
        } else if (name.equals(LABELS)) {
          state.addBinary(input.getDouble(0), weight);
        } else {
          state.addClass(input.getDouble(0), weight);
        }
      } catch (InvalidInputException e) {
        throw e.inFunction(name);
      }
      return state;
    }

    @Override
    public Serializable merge(Serializable left, Serializable right) {
      return LabelEntropy.from(left).merge(LabelEntropy.from(right));
    }

    @Override
    public Double produceResult(Serializable state) {
      double entropy = LabelEntropy.from(state).entropy();
      return Double.isNaN(entropy) ? null : entropy;
    }

    @Override
    public DataType[] inputTypes() {
      DataType label = arrayLabel ? DataTypes.createArrayType(DataTypes.DoubleType) : DataTypes.DoubleType;
      return weighted ? new DataType[] {label, DataTypes.DoubleType} : new DataType[] {label};
    }

    @Override
    public DataType resultType() {
      return DataTypes.DoubleType;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String canonicalName() {
      return "xent." + name + (arrayLabel ? "(array" : "(number") + (weighted ? ", weight)" : ")");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Bound && canonicalName().equals(((Bound) other).canonicalName());
    }

    @Override
    public int hashCode() {
      return canonicalName().hashCode();
    }

    @Override
    public String toString() {
      return canonicalName();
    }
  }
}
