package io.sparkxent.ml;

import static io.sparkxent.spark.XentColumns.column;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import io.sparkxent.math.ProbabilityCompat;
import io.sparkxent.spark.LossParameter;
import io.sparkxent.spark.aggregates.LossMeanFunction;
import io.sparkxent.spark.aggregates.LossSumFunction;
import io.sparkxent.spark.functions.BceLogitsFunction;
import io.sparkxent.spark.functions.SparseCceFunction;
import io.sparkxent.spark.functions.SparseCceLogitsFunction;
import java.util.ArrayList;

import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * Cross-entropy as a Spark ML {@link Evaluator}, for {@code CrossValidator} and {@code
 * TrainValidationSplit}: the per-row loss is one of spark-xent's functions and the reduction is
 * exact ({@code loss_mean}, {@code loss_sum}), evaluated in Spark SQL with no RDD conversion.
 *
 * <p>It reads MLlib's conventions: binary {@code LogisticRegression} writes {@code rawPrediction
 * = [-margin, margin]}, so with {@code rawPredictionKind = "auto"} a 2-element rawPrediction is
 * read as the margin, the logit of class 1 ({@code bce_logits(label, raw[1])}; a softmax of it
 * would be {@code sigmoid(2 * margin)}, not the model's probability); longer ones are class
 * logits ({@code sparse_cce_logits}). Probabilities are clipped as MLlib's {@code logLoss} does
 * ({@code epsilon = "spark_mllib"}) unless told otherwise.
 *
 * <pre>{@code
 * new CrossValidator().setEstimator(lr).setEstimatorParamMaps(grid)
 *     .setEvaluator(new CrossEntropyEvaluator().setRawPredictionCol("rawPrediction"));
 * }</pre>
 */
public final class CrossEntropyEvaluator extends Evaluator implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private static final String RAW = "_xent_raw";

  private final String uid;

  private final Param<String> labelCol;
  private final Param<String> rawPredictionCol;
  private final Param<String> probabilityCol;
  private final Param<String> logitCol;
  private final Param<String> weightCol;
  private final Param<String> rawPredictionKind;
  private final Param<String> labelSmoothing;
  private final Param<String> epsilon;
  private final Param<String> reduction;

  public CrossEntropyEvaluator() {
    this(Identifiable$.MODULE$.randomUID("crossEntropyEval"));
  }

  public CrossEntropyEvaluator(String uid) {
    this.uid = uid;
    labelCol = new Param<>(this, "labelCol", "label column: 0/1 or soft label, or a class index");
    rawPredictionCol = new Param<>(this, "rawPredictionCol",
        "raw prediction column (MLlib vector or array); used when no probabilityCol or logitCol is set");
    probabilityCol = new Param<>(this, "probabilityCol",
        "class probability column (MLlib vector or array): sparse_cce(label, probability, epsilon)");
    logitCol = new Param<>(this, "logitCol", "scalar logit column: bce_logits(label, logit)");
    weightCol = new Param<>(this, "weightCol", "row weight column (finite, >= 0); empty for none");
    rawPredictionKind = new Param<>(this, "rawPredictionKind",
        "how to read rawPrediction: 'auto' (2 elements: binary LogisticRegression's [-margin, margin],"
            + " the margin is the logit; more: class logits), 'margin' or 'classLogits'",
        ParamValidators.inArray(new String[] {"auto", "margin", "classLogits"}));
    labelSmoothing = new Param<>(this, "labelSmoothing", LossParameter.LABEL_SMOOTHING.doc());
    epsilon = new Param<>(this, "epsilon", LossParameter.EPSILON.meaning() + "; default spark_mllib (as MLlib's logLoss)");
    reduction = new Param<>(this, "reduction",
        "'weighted_mean' (sum(w*loss)/sum(w)), 'mean' (sum(w*loss)/rows) or 'sum', all exact",
        ParamValidators.inArray(new String[] {"weighted_mean", "mean", "sum"}));
    setDefault(labelCol, "label");
    setDefault(rawPredictionCol, "rawPrediction");
    setDefault(probabilityCol, "");
    setDefault(logitCol, "");
    setDefault(weightCol, "");
    setDefault(rawPredictionKind, "auto");
    setDefault(labelSmoothing, "0");
    setDefault(epsilon, "spark_mllib");
    setDefault(reduction, "weighted_mean");
  }

  // Spark finds a Params' params through public no-argument methods returning Param.
  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> rawPredictionCol() {
    return rawPredictionCol;
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public Param<String> logitCol() {
    return logitCol;
  }

  public Param<String> weightCol() {
    return weightCol;
  }

  public Param<String> rawPredictionKind() {
    return rawPredictionKind;
  }

  public Param<String> labelSmoothing() {
    return labelSmoothing;
  }

  public Param<String> epsilon() {
    return epsilon;
  }

  public Param<String> reduction() {
    return reduction;
  }

  public CrossEntropyEvaluator setLabelCol(String value) {
    return (CrossEntropyEvaluator) set(labelCol, value);
  }

  public CrossEntropyEvaluator setRawPredictionCol(String value) {
    return (CrossEntropyEvaluator) set(rawPredictionCol, value);
  }

  public CrossEntropyEvaluator setProbabilityCol(String value) {
    return (CrossEntropyEvaluator) set(probabilityCol, value);
  }

  public CrossEntropyEvaluator setLogitCol(String value) {
    return (CrossEntropyEvaluator) set(logitCol, value);
  }

  public CrossEntropyEvaluator setWeightCol(String value) {
    return (CrossEntropyEvaluator) set(weightCol, value);
  }

  public CrossEntropyEvaluator setRawPredictionKind(String value) {
    return (CrossEntropyEvaluator) set(rawPredictionKind, value);
  }

  public CrossEntropyEvaluator setLabelSmoothing(double value) {
    return (CrossEntropyEvaluator) set(labelSmoothing, Double.toString(value));
  }

  public CrossEntropyEvaluator setEpsilon(String value) {
    return (CrossEntropyEvaluator) set(epsilon, value);
  }

  public CrossEntropyEvaluator setReduction(String value) {
    return (CrossEntropyEvaluator) set(reduction, value);
  }

  @Override
  public double evaluate(Dataset<?> dataset) {
    Column loss = col("_xent_loss");
    List<Column> arguments = new ArrayList<>(List.of(loss));
    if (!$(weightCol).isEmpty()) {
      arguments.add(column($(weightCol)).cast(DataTypes.DoubleType));
    }
    Column[] lossAndWeight = arguments.toArray(new Column[0]);
    Column reduce = $(reduction).equals("sum") ? call_function(LossSumFunction.NAME, lossAndWeight)
        // sum(w*loss)/rows: the exact sum, then one more rounding for the division
        : $(reduction).equals("mean") && lossAndWeight.length == 2
            ? call_function(LossSumFunction.NAME, lossAndWeight).divide(count(loss))
            : call_function(LossMeanFunction.NAME, lossAndWeight);
    Row result = withRawArray(dataset).withColumn("_xent_loss", loss()).select(reduce).first();
    return result.isNullAt(0) ? Double.NaN : result.getDouble(0);
  }

  /** The dataset with the raw prediction as an array (MLlib vectors converted), if it is used. */
  private Dataset<Row> withRawArray(Dataset<?> dataset) {
    Dataset<Row> frame = dataset.toDF();
    if (!$(logitCol).isEmpty() || !$(probabilityCol).isEmpty()) {
      return frame;
    }
    DataType type = frame.schema().apply($(rawPredictionCol)).dataType();
    Column raw = column($(rawPredictionCol));
    return frame.withColumn(RAW, type instanceof UserDefinedType
        ? org.apache.spark.ml.functions.vector_to_array(raw, "float64")
        : raw);
  }

  /** The per-row loss over the dataset's columns, following MLlib's conventions. */
  Column loss() {
    Column label = column($(labelCol));
    if (!$(logitCol).isEmpty()) {
      return call_function(BceLogitsFunction.NAME, label, column($(logitCol)), smoothing());
    }
    if (!$(probabilityCol).isEmpty()) {
      return call_function(SparseCceFunction.NAME, label, column($(probabilityCol)), clipping());
    }
    Column raw = col(RAW);
    Column margin = call_function(BceLogitsFunction.NAME, label, element_at(raw, 2), smoothing());
    Column classLogits = call_function(SparseCceLogitsFunction.NAME, label, raw, smoothing());
    switch ($(rawPredictionKind)) {
      case "margin":
        return margin;
      case "classLogits":
        return classLogits;
      default:
        return when(size(raw).equalTo(2), margin).otherwise(classLogits);
    }
  }

  private Column smoothing() {
    return lit(Double.parseDouble($(labelSmoothing)));
  }

  private Column clipping() {
    String value = $(epsilon).trim().toLowerCase(Locale.ROOT);
    return ProbabilityCompat.COMPAT_NAMES.contains(value) ? lit(value) : lit(Double.parseDouble(value));
  }

  @Override
  public boolean isLargerBetter() {
    return false;
  }

  @Override
  public CrossEntropyEvaluator copy(ParamMap extra) {
    return (CrossEntropyEvaluator) defaultCopy(extra);
  }

  @Override
  public String uid() {
    return uid;
  }

  /** MLlib's loader for saved evaluators (and CrossValidator models that hold one). */
  public static MLReader<CrossEntropyEvaluator> read() {
    return new DefaultParamsReader<>();
  }

  public static CrossEntropyEvaluator load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "CrossEntropyEvaluator: uid=" + uid;
  }
}
