package io.sparkxent.job;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Command-line flags to option keys, shared by the evaluation job and the report: {@code --key
 * value} or {@code --key=value}, switches that take no value, repeatable flags joined with their
 * separator, all over the keys of a {@code --config} properties file (flags win).
 */
final class JobArguments {
  /** Flags that take no value. */
  static final Set<String> SWITCHES = Set.of(JobConfig.RECOVER, JobConfig.DROP_SMALL_SLICES);
  /** Repeatable flags and what joins their values into one option (a config file holds them joined). */
  static final Map<String, String> REPEATABLE = Map.of(
      JobConfig.SLICE, ";", JobConfig.FAIL_IF, JobConfig.CONDITIONS, JobConfig.TAG, JobConfig.CONDITIONS);

  private JobArguments() {}

  /** The options the arguments give; empty for {@code --help}. */
  static Optional<Map<String, String>> parse(String[] args) {
    Map<String, String> flags = new LinkedHashMap<>();
    Map<String, List<String>> repeated = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return Optional.empty();
      }
      if (arg.startsWith("--") && SWITCHES.contains(arg.substring(2))) {
        flags.put(arg.substring(2), "true");
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "'; options look like --input PATH");
      }
      String key = arg.substring(2);
      String value;
      int equals = key.indexOf('=');
      if (equals >= 0) {
        value = key.substring(equals + 1);
        key = key.substring(0, equals);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new UsageException("--" + key + " needs a value");
      }
      if (REPEATABLE.containsKey(key)) {
        repeated.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      } else {
        flags.put(key, value);
      }
    }
    repeated.forEach((key, values) -> flags.put(key, String.join(REPEATABLE.get(key), values)));
    Map<String, String> options = new LinkedHashMap<>();
    if (flags.containsKey(JobConfig.CONFIG)) {
      options.putAll(readConfigFile(flags.get(JobConfig.CONFIG)));
    }
    options.putAll(flags);
    options.remove(JobConfig.CONFIG);
    return Optional.of(options);
  }

  private static Map<String, String> readConfigFile(String file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(Paths.get(file), StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UsageException("cannot read --config " + file + ": " + e.getMessage());
    }
    Map<String, String> options = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(key -> options.put(key, properties.getProperty(key).trim()));
    return options;
  }
}
