package io.sparkxent.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import scala.Tuple2;

/**
 * Scala collections to and from Java ones, in code that compiles against Scala 2.12 and 2.13 alike
 * (Spark 3.5 ships both): {@code scala.jdk.javaapi.CollectionConverters} exists only in 2.13, and
 * the default {@code Seq} is {@code scala.collection.Seq} in 2.12 but {@code
 * scala.collection.immutable.Seq} in 2.13. An immutable {@code List} is a subtype of both, and
 * {@code scala.collection.Seq} a supertype of both, so these two are what shared code names.
 */
public final class ScalaCollections {
  private ScalaCollections() {}

  /** A Scala list of the items, which Spark takes wherever it asks for a {@code Seq}. */
  public static <T> scala.collection.immutable.List<T> list(List<T> items) {
    scala.collection.immutable.List<T> list = scala.collection.immutable.List$.MODULE$.empty();
    for (int i = items.size() - 1; i >= 0; i--) {
      list = list.$colon$colon(items.get(i));
    }
    return list;
  }

  /** A Java list of the elements of any Scala sequence Spark gives us. */
  public static <T> List<T> javaList(scala.collection.Seq<T> sequence) {
    List<T> items = new ArrayList<>(sequence.size());
    scala.collection.Iterator<T> iterator = sequence.iterator();
    while (iterator.hasNext()) {
      items.add(iterator.next());
    }
    return items;
  }

  /** A Java map of a Scala map's entries, in its iteration order. */
  public static <K, V> Map<K, V> javaMap(scala.collection.Map<K, V> map) {
    Map<K, V> entries = new LinkedHashMap<>();
    scala.collection.Iterator<Tuple2<K, V>> iterator = map.iterator();
    while (iterator.hasNext()) {
      Tuple2<K, V> entry = iterator.next();
      entries.put(entry._1(), entry._2());
    }
    return entries;
  }
}
