package io.sparkxent.spark.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparkxent.spark.ScalaCollections;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.junit.jupiter.api.Test;

/**
 * The partial step's groups with an expansion (GROUPING SETS ((a), ())): finest groups emitted as
 * they are and merged into the total while rounds gather many rows per key, rows added to their
 * keys of every set from the round after one that filled with fewer than {@value
 * LossStateGroups#ROWS_PER_KEY} rows per key. (The states' bits are the tests of the plans.)
 */
class LossStateGroupsTest {
  private static final int CAPACITY = 4;
  private static final Attribute A = attribute("a", false);
  private static final Expansion BY_A_AND_TOTAL = new Expansion(List.of(A),
      List.of(attribute("a", true), attribute("spark_grouping_id", false)),
      List.of(List.of(A, Literal.create(0L, DataTypes.LongType)),
          List.of(Literal.create(null, DataTypes.IntegerType), Literal.create(1L, DataTypes.LongType))));
  private static final UnsafeProjection KEY_OF = UnsafeProjection.create(new org.apache.spark.sql.types.DataType[] {DataTypes.IntegerType});

  @Test
  void manyRowsPerKeyEmitEachFinestGroupOncePerSet() {
    LossStateGroups groups = new LossStateGroups(List.of(), CAPACITY, BY_A_AND_TOTAL);
    int[] keys = new int[ROWS_FOR_FOUR_KEYS];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i < keys.length - 1 ? i % 3 : 3; // the fourth key arrives last: a full round of 8 rows per key
    }
    assertThat(add(groups, keys)).isEqualTo(1);
    // each finest group as it is, and the four merged into the one total
    assertThat(emitted(groups)).containsExactlyInAnyOrder("0/0", "1/0", "2/0", "3/0", "null/1");
    assertThat(groups.expandsRows()).isFalse();
  }

  @Test
  void aRoundOfFewRowsPerKeyTurnsToExpandingRows() {
    LossStateGroups groups = new LossStateGroups(List.of(), CAPACITY, BY_A_AND_TOTAL);
    assertThat(add(groups, 0, 1, 2, 3)).isEqualTo(1);
    assertThat(groups.full()).isTrue();
    assertThat(emitted(groups)).containsExactlyInAnyOrder("0/0", "1/0", "2/0", "3/0", "null/1");
    assertThat(groups.expandsRows()).isTrue();
    // now each row reaches its key in both sets: (10), (11) and the total
    assertThat(add(groups, 10, 11, 10)).isEqualTo(2);
    assertThat(emitted(groups)).containsExactlyInAnyOrder("10/0", "11/0", "null/1");
    assertThat(groups.expandsRows()).isTrue();
  }

  @Test
  void theLastRoundOfAPartitionDecidesNothing() {
    LossStateGroups groups = new LossStateGroups(List.of(), CAPACITY, BY_A_AND_TOTAL);
    add(groups, 0, 1);
    assertThat(emitted(groups)).containsExactlyInAnyOrder("0/0", "1/0", "null/1");
    assertThat(groups.expandsRows()).as("not full: the input ended").isFalse();
  }

  /** 8 rows per key for four keys: the fewest that keep the finest grain. */
  private static final int ROWS_FOR_FOUR_KEYS = LossStateGroups.ROWS_PER_KEY * CAPACITY;

  /** Adds rows of these keys as the generated loop does; returns the last row's number of targets. */
  private static int add(LossStateGroups groups, int... keys) {
    int targets = 0;
    for (int key : keys) {
      UnsafeRow row = KEY_OF.apply(new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(new Object[] {key}));
      targets = groups.targets(row);
      for (int i = 0; i < targets; i++) {
        assertThat(groups.target(i)).isNotNull();
      }
    }
    return targets;
  }

  private static List<String> emitted(LossStateGroups groups) {
    List<String> keys = new ArrayList<>();
    while (groups.next()) {
      UnsafeRow key = groups.key();
      keys.add((key.isNullAt(0) ? "null" : Integer.toString(key.getInt(0))) + "/" + key.getLong(1));
    }
    return keys;
  }

  private static Attribute attribute(String name, boolean nullable) {
    return new AttributeReference(name, name.equals("spark_grouping_id") ? DataTypes.LongType : DataTypes.IntegerType,
        nullable, Metadata.empty(), NamedExpression$.MODULE$.newExprId(), ScalaCollections.list(List.<String>of()));
  }
}
