package io.sparkxent.spark;

import org.apache.spark.sql.catalyst.analysis.NoSuchFunctionException;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.connector.catalog.FunctionCatalog;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The functions of {@link XentFunctions} as a V2 function catalog, for catalog-qualified calls:
 * with {@code spark.sql.catalog.xent=io.sparkxent.spark.XentCatalog}, {@code SELECT
 * xent.bce_logits(label, logit) FROM preds}. Functions live in the catalog's root namespace.
 */
public final class XentCatalog implements FunctionCatalog {
  private String name = "xent";

  @Override
  public void initialize(String name, CaseInsensitiveStringMap options) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Identifier[] listFunctions(String[] namespace) throws NoSuchNamespaceException {
    if (namespace.length != 0) {
      throw new NoSuchNamespaceException(namespace);
    }
    return XentFunctions.all().stream()
        .map(function -> Identifier.of(new String[0], function.name()))
        .toArray(Identifier[]::new);
  }

  @Override
  public UnboundFunction loadFunction(Identifier ident) throws NoSuchFunctionException {
    if (ident.namespace().length != 0) {
      throw new NoSuchFunctionException(ident);
    }
    return XentFunctions.named(ident.name()).orElseThrow(() -> new NoSuchFunctionException(ident));
  }
}
