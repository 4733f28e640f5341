package io.sparkxent.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's function table is the registry's: one row per function, its usage lines and its
 * summary. When a function changes, this test fails and writes the table it expects to {@code
 * target/readme-functions.md}, to paste between the README's markers.
 */
class ReadmeFunctionTableTest {
  private static final String BEGIN = "<!-- functions: generated from the registry, checked by ReadmeFunctionTableTest -->";
  private static final String END = "<!-- /functions -->";

  @Test
  void readmeTableMatchesTheRegistry() throws IOException {
    String expected = table();
    Files.writeString(Paths.get("target", "readme-functions.md"), expected, StandardCharsets.UTF_8);
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("README.md")) || !Files.exists(dir.resolve(".ci"))) {
      dir = dir.getParent(); // the module runs in spark/v<line>; the README is at the root
    }
    String readme = Files.readString(dir.resolve("README.md"), StandardCharsets.UTF_8);
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    assertThat(begin).as("README marker " + BEGIN).isNotNegative();
    assertThat(end).as("README marker " + END).isGreaterThan(begin);
    assertThat(readme.substring(begin + BEGIN.length(), end).strip())
        .as("README function table (expected one written to target/readme-functions.md)")
        .isEqualTo(expected.strip());
  }

  @Test
  void everyLossParameterAndNameAppearsInTheTable() {
    String table = table();
    for (LossDescriptor loss : XentFunctions.losses()) {
      assertThat(table).contains("`" + loss.name() + "(");
      loss.parameters().forEach(parameter -> assertThat(table).contains(parameter.sqlName()));
      // a parameter has a documented default exactly where the loss lets it be left out
      loss.parameters().forEach(parameter -> assertThat(parameter.defaultValue() == null)
          .as(loss.name() + " " + parameter).isEqualTo(loss.isRequired(parameter)));
    }
  }

  static String table() {
    StringBuilder table = new StringBuilder("| function | meaning |\n|---|---|\n");
    for (XentFunction function : XentFunctions.all()) {
      table.append("| ")
          .append(function.usage().stream().map(line -> "`" + line + "`").collect(Collectors.joining("<br>"))
              .replace("|", "\\|"))
          .append(" | ").append(function.summary().replace("|", "\\|")).append(" |\n");
    }
    return table.toString();
  }
}
