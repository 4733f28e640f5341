package io.sparkxent.spark.execution;

import io.sparkxent.spark.aggregates.LossAggregateFunction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.expressions.codegen.GenerateUnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.codegen.JavaCode;
import org.apache.spark.sql.execution.BlockingOperatorWithCodegen;
import org.apache.spark.sql.execution.CodegenSupport;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import io.sparkxent.spark.ScalaCollections;
import scala.collection.Seq;

/**
 * The first step of an exact aggregation: per partition, one {@link LossStates} per grouping key,
 * fed from the child's columns (the keys, then each aggregate's loss and weight), emitted as
 * canonical bytes.
 *
 * <p>Without keys the step joins the whole-stage generated code of the scan and the projection
 * that computes the losses: each row is two local variables handed to {@link LossStates#add},
 * with no row written or read, as Spark does for {@code avg}. With keys it holds at most
 * {@value #MAX_GROUPS} groups ({@link LossStateGroups}): when more arrive it emits the partial
 * states and starts a new round, which the final step's merge absorbs, so memory stays bounded
 * for any number of keys. With an {@link Expansion} (the finest grain of grouping sets) its
 * output is each set's keys and states, not the finest keys.
 */
public final class ExactPartialAggregateExec extends ExactAggregateExec implements BlockingOperatorWithCodegen {
  private static final long serialVersionUID = 1L;
  public static final int MAX_GROUPS = 4096;
  private transient CodegenSupport parent;
  // Generated names doProduce sets for doConsume: the task's LossStates (no keys), or its groups
  // and the function that emits them (keys).
  private transient String statesTerm;
  private transient String groupsTerm;
  private transient String emitFunction;

  private final Seq<? extends Seq<Attribute>> inputs;
  private final Expansion expansion;

  /**
   * @param inputs each function's loss (and weight) column of the child
   * @param expansion the grouping sets to emit each group in, or {@link Expansion#NONE}
   */
  public ExactPartialAggregateExec(Seq<Attribute> keys, Seq<LossAggregateFunction<?>.Bound> functions,
      Seq<? extends Seq<Attribute>> inputs, Seq<Attribute> states, Expansion expansion, SparkPlan child) {
    super(keys, functions, states, child);
    this.inputs = inputs;
    this.expansion = expansion;
    CodegenSupport.$init$(this);
    BlockingOperatorWithCodegen.$init$(this);
  }

  @Override
  Object[] arguments() {
    return new Object[] {keys, functions, inputs, states, expansion, child};
  }

  @Override
  public AttributeSet producedAttributes() {
    List<Attribute> produced = new ArrayList<>(expansion.outputKeys());
    produced.addAll(ScalaCollections.javaList(states));
    return AttributeSet.apply(ExactAggregateExec.expressions(ScalaCollections.list(produced)));
  }

  @Override
  public scala.collection.immutable.List<Attribute> output() {
    List<Attribute> output = new ArrayList<>(outputKeys());
    output.addAll(ScalaCollections.javaList(states));
    return ScalaCollections.list(output);
  }

  /** The keys of the emitted groups: the grouping keys, or each set's keys with an expansion. */
  private List<Attribute> outputKeys() {
    return expansion.none() ? ScalaCollections.javaList(keys) : expansion.outputKeys();
  }

  @Override
  SparkPlan withNewChild(SparkPlan newChild) {
    return new ExactPartialAggregateExec(keys, functions, inputs, states, expansion, newChild);
  }

  @Override
  public RDD<InternalRow> doExecute() {
    int[][] ordinals = inputOrdinals();
    DataType[] outputTypes = ScalaCollections.javaList(output()).stream()
        .map(Attribute::dataType).toArray(DataType[]::new);
    Partition partition =
        new Partition(functionList(), ordinals[0], ordinals[1], keys, child.output(), outputTypes, expansion);
    return child.execute().toJavaRDD().mapPartitions(partition).rdd();
  }

  /** The child's ordinals of each aggregate's loss and weight (-1: unweighted). */
  private int[][] inputOrdinals() {
    List<? extends Seq<Attribute>> list = ScalaCollections.javaList(inputs);
    int[][] ordinals = new int[2][list.size()];
    for (int i = 0; i < list.size(); i++) {
      List<Attribute> columns = ScalaCollections.javaList(list.get(i));
      ordinals[0][i] = ordinal(columns.get(0));
      ordinals[1][i] = columns.size() > 1 ? ordinal(columns.get(1)) : -1;
    }
    return ordinals;
  }

  private int ordinal(Expression column) {
    List<Attribute> input = ScalaCollections.javaList(child.output());
    for (int i = 0; i < input.size(); i++) {
      if (input.get(i).semanticEquals(column)) {
        return i;
      }
    }
    throw new IllegalStateException(column + " is not a column of " + input);
  }

  // Whole-stage code generation: without keys a blocking step (two variables per row, one state
  // at the end); with keys the groups' map sits in the scan's loop and emits when full.

  @Override
  public boolean supportCodegen() {
    return true;
  }

  // With keys, groups are emitted from inside the child's loop, many per input row: the rows
  // must be copied and the loop must stop after them (then resume where it was).
  @Override
  public boolean needCopyResult() {
    return !keys.isEmpty();
  }

  @Override
  public boolean needStopCheck() {
    return !keys.isEmpty();
  }

  @Override
  public CodegenSupport parent() {
    return parent;
  }

  @Override
  public void parent_$eq(CodegenSupport parent) {
    this.parent = parent;
  }

  @Override
  public scala.collection.immutable.List<RDD<InternalRow>> inputRDDs() {
    return ScalaCollections.list(ScalaCollections.javaList(((CodegenSupport) child).inputRDDs()));
  }

  @Override
  public String doProduce(CodegenContext ctx) {
    String functionsTerm = ctx.addReferenceObj("xentFunctions", functionList(), List.class.getName());
    String done = ctx.addMutableState("boolean", "xentDone", name -> "", false, true);
    return keys.isEmpty() ? produceOneState(ctx, functionsTerm, done) : produceGroups(ctx, functionsTerm, done);
  }

  private String produceOneState(CodegenContext ctx, String functionsTerm, String done) {
    String statesClass = LossStates.class.getName();
    statesTerm = ctx.addMutableState(statesClass, "xentStates", name -> "", false, true);
    String name = ctx.freshName("xentAggregate");
    String aggregate = ctx.addNewFunction(name,
        "private void " + name + "() throws java.io.IOException {\n"
            + "  " + statesTerm + " = new " + statesClass + "(" + functionsTerm + ");\n"
            + ((CodegenSupport) child).produce(ctx, this) + "\n}\n", false);
    StringBuilder output = new StringBuilder();
    List<ExprCode> outputValues = new ArrayList<>();
    for (int i = 0; i < functions.size(); i++) {
      String bytes = ctx.freshName("xentStateBytes");
      output.append("byte[] ").append(bytes).append(" = ").append(statesTerm).append(".bytes(").append(i).append(");\n");
      outputValues.add(ExprCode.forNonNullValue(JavaCode.variable(bytes, DataTypes.BinaryType)));
    }
    return "while (!" + done + ") {\n"
        + "  " + done + " = true;\n"
        + "  " + aggregate + "();\n"
        + output
        + consume(ctx, ScalaCollections.list(outputValues), null) + "\n"
        + "}\n";
  }

  /**
   * The child's loop, resumable: each row updates its group's states; when the map is full (and
   * once more at the end of the input) {@code emit} hands every group to the parent.
   */
  private String produceGroups(CodegenContext ctx, String functionsTerm, String done) {
    String groupsClass = LossStateGroups.class.getName();
    String expansionTerm = ctx.addReferenceObj("xentExpansion", expansion, Expansion.class.getName());
    groupsTerm = ctx.addMutableState(groupsClass, "xentGroups",
        name -> name + " = new " + groupsClass + "(" + functionsTerm + ", " + MAX_GROUPS + ", " + expansionTerm + ");",
        true, true);
    emitFunction = ctx.freshName("xentEmit");
    String loop = ((CodegenSupport) child).produce(ctx, this);
    String key = ctx.freshName("xentKey");
    ctx.INPUT_ROW_$eq(key);
    ctx.currentVars_$eq(null);
    List<Attribute> keyList = outputKeys();
    List<ExprCode> outputValues = new ArrayList<>();
    for (int i = 0; i < keyList.size(); i++) {
      Attribute column = keyList.get(i);
      outputValues.add(new BoundReference(i, column.dataType(), column.nullable()).genCode(ctx));
    }
    StringBuilder output = new StringBuilder(evaluateVariables(ScalaCollections.list(outputValues)));
    for (int i = 0; i < functions.size(); i++) {
      String bytes = ctx.freshName("xentStateBytes");
      output.append("byte[] ").append(bytes).append(" = ").append(groupsTerm).append(".bytes(").append(i).append(");\n");
      outputValues.add(ExprCode.forNonNullValue(JavaCode.variable(bytes, DataTypes.BinaryType)));
    }
    ctx.addNewFunction(emitFunction,
        "private void " + emitFunction + "() throws java.io.IOException {\n"
            + "  while (" + groupsTerm + ".next()) {\n"
            + "    " + UnsafeRow.class.getName() + " " + key + " = " + groupsTerm + ".key();\n"
            + output
            + consume(ctx, ScalaCollections.list(outputValues), null) + "\n"
            + "  }\n}\n", true);
    return "if (!" + done + ") {\n"
        + loop + "\n"
        + "  " + done + " = true;\n"
        + "  " + emitFunction + "();\n"
        + "}\n";
  }

  @Override
  String consumeColumns(CodegenContext ctx, List<ExprCode> columns) {
    StringBuilder code = new StringBuilder(evaluateVariables(ScalaCollections.list(columns)));
    String target = statesTerm;
    String close = "";
    if (!keys.isEmpty()) {
      // the key as an UnsafeRow, written from the loop's variables into one reused buffer; the
      // row goes to its key's states (or, expanding rows, its keys' in every set)
      ctx.INPUT_ROW_$eq(null);
      ctx.currentVars_$eq(ScalaCollections.list(columns));
      List<Expression> boundKeys = new ArrayList<>();
      for (Attribute column : ScalaCollections.javaList(keys)) {
        boundKeys.add(new BoundReference(ordinal(column), column.dataType(), column.nullable()));
      }
      ExprCode key = GenerateUnsafeProjection.createCode(ctx, ScalaCollections.list(boundKeys), false);
      target = ctx.freshName("xentStates");
      String targets = ctx.freshName("xentTargets");
      String i = ctx.freshName("xentTarget");
      code.append(key.code()).append("\n")
          .append("int ").append(targets).append(" = ").append(groupsTerm).append(".targets(").append(key.value()).append(");\n")
          .append("for (int ").append(i).append(" = 0; ").append(i).append(" < ").append(targets).append("; ").append(i).append("++) {\n")
          .append(LossStates.class.getName()).append(" ").append(target).append(" = ").append(groupsTerm)
          .append(".target(").append(i).append(");\n");
      close = "}\nif (" + groupsTerm + ".full()) {\n  " + emitFunction + "();\n}\n";
    }
    int[][] ordinals = inputOrdinals();
    for (int i = 0; i < ordinals[0].length; i++) {
      ExprCode loss = columns.get(ordinals[0][i]);
      ExprCode weight = ordinals[1][i] < 0 ? null : columns.get(ordinals[1][i]);
      code.append(target).append(".add(").append(i)
          .append(", ").append(loss.isNull()).append(", ").append(loss.value())
          .append(", ").append(weight == null ? "true" : weight.isNull())
          .append(", ").append(weight == null ? "0.0" : weight.value()).append(");\n");
    }
    return code.append(close).toString();
  }


  /** The per-partition loop of {@link #doExecute}: each row's losses added to its key's states. */
  private static final class Partition extends LossStateGroups.Rounds {
    private static final long serialVersionUID = 1L;
    private final int[] lossOrdinals;
    private final int[] weightOrdinals;

    Partition(List<LossAggregateFunction<?>.Bound> functions, int[] lossOrdinals, int[] weightOrdinals,
        Seq<Attribute> keys, Seq<Attribute> input, DataType[] outputTypes, Expansion expansion) {
      super(functions, keys, input, outputTypes, expansion);
      this.lossOrdinals = lossOrdinals;
      this.weightOrdinals = weightOrdinals;
    }

    @Override
    void fold(LossStates states, InternalRow row) {
      states.add(row, lossOrdinals, weightOrdinals);
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
      if (!keys.isEmpty()) {
        return super.call(rows);
      }
      LossStates states = new LossStates(functions);
      while (rows.hasNext()) {
        fold(states, rows.next());
      }
      InternalRow output = outputOf().apply(new JoinedRow(new GenericInternalRow(0), states.bytes()));
      return Collections.singletonList(output).iterator();
    }
  }
}
