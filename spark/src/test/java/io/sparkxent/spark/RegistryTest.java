package io.sparkxent.spark;

import io.sparkxent.spark.functions.ArgumentKind;
import io.sparkxent.spark.functions.BceLogitsFunction;
import io.sparkxent.spark.udf.JavaUdfs;
import io.sparkxent.spark.functions.LossFunction;
import io.sparkxent.spark.functions.Overload;
import static io.sparkxent.spark.SharedSpark.scalar;
import static io.sparkxent.spark.SharedSpark.spark;
import static io.sparkxent.spark.SharedSpark.withAnsi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.catalyst.encoders.EncoderUtils;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RegistryTest {
  @BeforeAll
  static void registerUdfs() {
    JavaUdfs.registerAll(spark(), "udf_");
  }

  /** Every argument list, in both modes, binds to a class with the static magic method for it. */
  @Test
  void everyOverloadHasItsStaticInvokeInBothModes() {
    int bound = 0;
    for (XentFunction function : XentFunctions.all()) {
      if (!(function instanceof LossFunction)) {
        continue;
      }
      LossFunction loss = (LossFunction) function;
      for (Overload overload : loss.overloads()) {
        for (List<DataType> types : combinations(overload.kinds(), 0)) {
          for (boolean ansi : new boolean[] {true, false}) {
            StructType input = new StructType();
            for (int i = 0; i < types.size(); i++) {
              input = input.add("_" + i, types.get(i));
            }
            StructType finalInput = input;
            BoundFunction[] result = new BoundFunction[1];
            withAnsi(ansi, () -> result[0] = loss.bind(finalInput));
            Class<?>[] parameters = ((org.apache.spark.sql.connector.catalog.functions.ScalarFunction<?>) result[0])
                .inputTypes().length == types.size() ? classesOf(result[0].inputTypes()) : null;
            Method invoke = findInvoke(result[0].getClass(), parameters);
            assertThat(invoke).as(function.name() + types + " ansi=" + ansi).isNotNull();
            assertThat(Modifier.isStatic(invoke.getModifiers())).isTrue();
            assertThat(result[0].getClass().getSimpleName()).isEqualTo(ansi ? "Strict" : "OrNull");
            bound++;
          }
        }
      }
    }
    assertThat(bound).isGreaterThan(50);
  }

  @Test
  void namesAreUniqueLowerSnakeCaseAndLookedUpCaseInsensitively() {
    List<String> names = XentFunctions.all().stream().map(XentFunction::name).toList();
    assertThat(names).doesNotHaveDuplicates().allMatch(name -> name.matches("[a-z][a-z_]*"));
    assertThat(XentFunctions.named("BCE_Logits")).containsInstanceOf(BceLogitsFunction.class);
    assertThat(XentFunctions.named("nope")).isEmpty();
  }

  @Test
  void javaUdfsGiveTheNativeResults() {
    assertThat(scalar("SELECT udf_bce_logits(1, 40)")).isEqualTo(scalar("SELECT bce_logits(1, 40)"));
    assertThat(scalar("SELECT udf_bce_logits(array(0, 1, 0), array(0.5, 0.4, 0.3))"))
        .isEqualTo(scalar("SELECT bce_logits(array(0, 1, 0), array(0.5, 0.4, 0.3))"));
    assertThat(scalar("SELECT udf_weighted_bce_logits(1, 0, 3)")).isEqualTo(scalar("SELECT weighted_bce_logits(1, 0, 3)"));
    assertThat(scalar("SELECT udf_focal_bce_logits(1, 2, 2)")).isEqualTo(scalar("SELECT focal_bce_logits(1, 2, 2)"));
    assertThat(scalar("SELECT udf_bce(1, 0.9)")).isEqualTo(scalar("SELECT bce(1, 0.9)"));
    assertThat(scalar("SELECT udf_cce_logits(array(1, 0, 0), array(12, 3, 2))"))
        .isEqualTo(scalar("SELECT cce_logits(array(1, 0, 0), array(12, 3, 2))"));
    assertThat(scalar("SELECT udf_sparse_cce_logits(1, array(-100, 100, -100, -100))"))
        .isEqualTo(scalar("SELECT sparse_cce_logits(1, array(-100, 100, -100, -100))"));
    assertThat(scalar("SELECT udf_cce(array(0, 1), array(0.2, 0.2))")).isEqualTo(scalar("SELECT cce(array(0, 1), array(0.2, 0.2))"));
    assertThat(scalar("SELECT udf_sparse_cce(1, array(0.1, 0.8, 0.1))")).isEqualTo(scalar("SELECT sparse_cce(1, array(0.1, 0.8, 0.1))"));
    // an INT label (where a plain Java UDF2<Double, ...> throws ClassCastException), a BIGINT logit
    assertThat(scalar("SELECT udf_bce_logits(CAST(1 AS INT), CAST(40 AS BIGINT))")).isEqualTo(4.248354255291589E-18);
    assertThat(scalar("SELECT udf_bce_logits(NULL, 1)")).isNull();
  }

  @Test
  void javaUdfsFollowAnsiMode() {
    withAnsi(true, () -> assertThatThrownBy(() -> scalar("SELECT udf_bce_logits(1.5, 0)"))
        .hasStackTraceContaining("bce_logits: label = 1.5 is invalid"));
    withAnsi(false, () -> assertThat(scalar("SELECT udf_bce_logits(1.5, 0)")).isNull());
  }

  @Test
  void registerJavaWorksWithEachUdfClass() {
    for (XentFunction function : XentFunctions.all()) {
      if (!(function instanceof io.sparkxent.spark.functions.LossFunction)) { // aggregates, state readers
        assertThat(function.javaUdfClass()).isNull();
        continue;
      }
      assertThat(function.javaUdfClass()).as(function.name()).isNotNull();
      spark().udf().registerJava("each_" + function.name(), function.javaUdfClass().getName(), DataTypes.DoubleType);
    }
    assertThat(scalar("SELECT each_bce_logits(0, 0)")).isEqualTo(Math.log(2));
  }

  private static Class<?>[] classesOf(DataType[] types) {
    Class<?>[] classes = new Class<?>[types.length];
    for (int i = 0; i < types.length; i++) {
      classes[i] = EncoderUtils.dataTypeJavaClass(types[i]);
    }
    return classes;
  }

  private static Method findInvoke(Class<?> bound, Class<?>[] parameters) {
    try {
      return bound.getDeclaredMethod("invoke", parameters);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static List<List<DataType>> combinations(List<List<ArgumentKind>> kinds, int from) {
    List<List<DataType>> result = new ArrayList<>();
    if (from == kinds.size()) {
      result.add(new ArrayList<>());
      return result;
    }
    for (List<DataType> rest : combinations(kinds, from + 1)) {
      for (ArgumentKind kind : kinds.get(from)) {
        List<DataType> combination = new ArrayList<>();
        combination.add(example(kind));
        combination.addAll(rest);
        result.add(combination);
      }
    }
    return result;
  }

  private static DataType example(ArgumentKind kind) {
    switch (kind) {
      case NUMBER:
        return DataTypes.IntegerType;
      case ARRAY:
        return DataTypes.createArrayType(DataTypes.FloatType);
      case VECTOR:
        return SQLDataTypes.VectorType();
      default:
        return DataTypes.StringType;
    }
  }
}
