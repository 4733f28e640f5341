package io.sparkxent.spark.execution;

import io.sparkxent.spark.aggregates.LossAggregateFunction;
import io.sparkxent.spark.XentConf;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.UUID;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SessionWindow$;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.catalyst.expressions.aggregate.V2Aggregator;
import org.apache.spark.sql.catalyst.optimizer.NormalizeFloatingNumbers$;
import org.apache.spark.sql.catalyst.planning.PhysicalAggregation$;
import org.apache.spark.sql.catalyst.plans.logical.Expand;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import scala.Option;
import scala.Tuple4;
import io.sparkxent.spark.ScalaCollections;

/**
 * Plans an aggregation whose aggregates are all ours ({@code loss_sum}, {@code loss_mean}, {@code
 * loss_stats}) as a projection of the grouping keys and the aggregates' inputs, which Spark
 * compiles into the scan's whole-stage code, then {@link ExactPartialAggregateExec} (one exact
 * state per key and partition), an exchange, and {@link ExactFinalAggregateExec}. Spark's own
 * route runs every typed aggregate in ObjectHashAggregate, whose per-row machinery (an input
 * projection, buffer bookkeeping) costs more than the exact sum itself. Any other aggregation,
 * and any aggregate with DISTINCT or FILTER, is left to Spark.
 *
 * <p>{@code SELECT model, loss_mean(bce_logits(label, logit)) FROM preds GROUP BY model}
 */
public final class ExactAggregateStrategy extends SparkStrategy {
  @Override
  @SuppressWarnings("unchecked")
  public scala.collection.immutable.List<SparkPlan> apply(LogicalPlan plan) {
    boolean enabled = XentConf.exactAggregatePlanning();
    // (grouping, aggregate expressions, result expressions, child); typed loosely, as the element
    // types differ between Spark lines
    Option<? extends Tuple4<?, ?, ?, ?>> matched =
        plan.isStreaming() || !enabled ? Option.empty() : PhysicalAggregation$.MODULE$.unapply(plan);
    if (matched.isEmpty()) {
      return seq(List.of());
    }
    List<NamedExpression> grouping = ScalaCollections.javaList((scala.collection.Seq<NamedExpression>) matched.get()._1());
    List<AggregateExpression> aggregates =
        ScalaCollections.javaList((scala.collection.Seq<AggregateExpression>) matched.get()._2());
    scala.collection.Seq<NamedExpression> results = (scala.collection.Seq<NamedExpression>) matched.get()._3();
    LogicalPlan child = (LogicalPlan) matched.get()._4();
    if (aggregates.isEmpty()
        || !aggregates.stream().allMatch(ExactAggregateStrategy::isExact)
        // Session windows need Spark's session merging between the two aggregation steps.
        || grouping.stream().anyMatch(key -> key.metadata().contains(SessionWindow$.MODULE$.marker()))) {
      return seq(List.of());
    }

    if (child instanceof Expand && XentConf.finestGrainPlanning()) {
      Optional<FinestGrainPlan> finest = FinestGrainPlan.of((Expand) child, grouping, aggregates);
      if (finest.isPresent()) {
        return seq(List.of(plan(finest.get().keys(), aggregates, results, finest.get().input(planLater(((Expand) child).child())),
            finest.get()::expansion)));
      }
    }
    return seq(List.of(plan(grouping, aggregates, results, planLater(child), keys -> Expansion.NONE)));
  }

  /**
   * Final(Exchange(Partial(Project(keys, inputs, input)))): {@code keys} are the partial step's
   * grouping; {@code expansionOf} (given the partial step's key attributes) the grouping sets it
   * emits its groups in, when it is the finest grain.
   */
  private static SparkPlan plan(List<NamedExpression> grouping, List<AggregateExpression> aggregates,
      scala.collection.Seq<NamedExpression> results, SparkPlan input, Function<List<Attribute>, Expansion> expansionOf) {
    List<NamedExpression> projection = new ArrayList<>();
    List<Attribute> keys = new ArrayList<>();
    for (NamedExpression key : grouping) {
      // As Spark's aggregation does: -0.0 and 0.0, and all NaNs, are one key.
      Expression normalized = NormalizeFloatingNumbers$.MODULE$.normalize((Expression) key);
      NamedExpression named = normalized instanceof NamedExpression
          ? (NamedExpression) normalized
          : new Alias(normalized, key.name(), key.exprId(), key.qualifier(), Option.empty(), seq(List.of()));
      projection.add(named);
      keys.add(named.toAttribute());
    }
    List<LossAggregateFunction<?>.Bound> functions = new ArrayList<>();
    List<scala.collection.immutable.List<Attribute>> inputs = new ArrayList<>();
    List<Attribute> states = new ArrayList<>();
    List<Attribute> aggregateResults = new ArrayList<>();
    for (AggregateExpression aggregate : aggregates) {
      AggregateFunction function = aggregate.aggregateFunction();
      LossAggregateFunction<?>.Bound bound =
          (LossAggregateFunction<?>.Bound) ((V2Aggregator<?, ?>) function).aggrFunc();
      List<Attribute> columns = new ArrayList<>();
      List<Expression> arguments = ScalaCollections.javaList(function.children());
      for (int i = 0; i < arguments.size(); i++) {
        Alias alias = new Alias(arguments.get(i), bound.name() + "_input", stableId(aggregate, "input " + i),
            seq(List.of()), Option.empty(), seq(List.of()));
        projection.add(alias);
        columns.add(alias.toAttribute());
      }
      functions.add(bound);
      inputs.add(seq(columns));
      states.add(new AttributeReference(bound.name() + "_state", DataTypes.BinaryType, false,
          Metadata.empty(), stableId(aggregate, "state"), seq(List.of())));
      aggregateResults.add(aggregate.resultAttribute());
    }
    // A physical projection over the child as planned: a logical Project made here would not be
    // part of the query's logical plan, and adaptive execution could not map the stages below
    // it (a cached table's scan) back to that plan, so it would plan them again forever.
    Expansion expansion = expansionOf.apply(keys);
    SparkPlan partial = new ExactPartialAggregateExec(seq(keys), seq(functions), seq(inputs), seq(states), expansion,
        new ProjectExec(seq(projection), input));
    List<Attribute> finalKeys = ScalaCollections.javaList(partial.output()).subList(0, partial.output().size() - states.size());
    return new ExactFinalAggregateExec(seq(finalKeys), seq(functions), seq(states), seq(aggregateResults), results, partial);
  }

  private static boolean isExact(AggregateExpression aggregate) {
    return !aggregate.isDistinct()
        && aggregate.filter().isEmpty()
        && aggregate.aggregateFunction() instanceof V2Aggregator
        && ((V2Aggregator<?, ?>) aggregate.aggregateFunction()).aggrFunc() instanceof LossAggregateFunction.Bound;
  }

  /**
   * The id of a column made for an aggregate (its inputs, its state): the same each time the
   * aggregate is planned, unique to it, apart from Spark's ids. Adaptive execution plans the query
   * again after each stage it runs and keeps its plan (and the stages it ran) when the new plan is
   * equal; fresh ids would make every new plan differ.
   */
  private static ExprId stableId(AggregateExpression aggregate, String role) {
    return new ExprId(aggregate.resultId().id(),
        UUID.nameUUIDFromBytes(("io.sparkxent.spark " + role).getBytes(UTF_8)));
  }

  static <T> scala.collection.immutable.List<T> seq(List<T> list) {
    return ScalaCollections.list(list);
  }
}
