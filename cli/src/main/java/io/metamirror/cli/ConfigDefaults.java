package io.metamirror.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option values that were not given as flags: first from the YAML file named by {@code --config}
 * (or {@code METAMIRROR_CONFIG}), then from {@code METAMIRROR_<NAME>} environment variables, then
 * the option's own default. Keys are the option's long name without its dashes: {@code
 * --token-file} is {@code token-file:} in YAML and {@code METAMIRROR_TOKEN_FILE} in the
 * environment.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
  private final Map<String, String> env;
  private final Path configFile;
  private JsonNode yaml;
  private boolean loaded;
  // Picocli swallows some exceptions from defaultValue (and the old code then served no values on
  // the next call), so a config file that cannot be used is remembered here; Main reports it.
  private RuntimeException problem;
  private java.util.Set<String> knownKeys;

  private ConfigDefaults(Map<String, String> env, Path configFile) {
    this.env = env;
    this.configFile = configFile;
  }

  /**
   * Picocli applies defaults before it parses, so {@code --config} is found by a scan of the raw
   * arguments here.
   */
  static ConfigDefaults of(Map<String, String> env, String... args) {
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = Path.of(args[i + 1]);
      } else if (args[i].startsWith("--config=")) {
        file = Path.of(args[i].substring("--config=".length()));
      }
    }
    if (file == null && env.get("METAMIRROR_CONFIG") != null) {
      file = Path.of(env.get("METAMIRROR_CONFIG"));
    }
    return new ConfigDefaults(env, file);
  }

  @Override
  public String defaultValue(ArgSpec arg) throws Exception {
    if (!(arg instanceof OptionSpec option) || option.longestName().equals("--config")) {
      return null;
    }
    String key = key(option);
    JsonNode file = yaml();
    if (file != null && file.has(key) && !file.get(key).isNull()) {
      JsonNode value = file.get(key);
      if (value.isArray()) {
        // A YAML list for a list option: picocli splits the default on the option's ",".
        List<String> items = new ArrayList<>();
        value.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
        return String.join(",", items);
      }
      return value.isValueNode() ? value.asText() : value.toString();
    }
    String fromEnv = env.get("METAMIRROR_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv;
    }
    return null;
  }

  /** The config-file key of an option: its long name without dashes. */
  static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  private JsonNode yaml() {
    if (!loaded) {
      loaded = true;
      try {
        yaml = load();
      } catch (ExitCodes.UserError e) {
        problem = e;
      }
    }
    return yaml;
  }

  private JsonNode load() {
    Path file = configFile;
    if (file == null) {
      return null;
    }
    if (!Files.isRegularFile(file)) {
      throw new ExitCodes.UserError("config file not found: " + file);
    }
    JsonNode parsed;
    try {
      parsed = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new ExitCodes.UserError(
          "config file "
              + file
              + " is not valid YAML"
              + (at == null ? "" : " (line " + at.getLineNr() + ")")
              + ": "
              + e.getOriginalMessage().lines().findFirst().orElse(""));
    } catch (IOException e) {
      throw new ExitCodes.UserError("cannot read config file " + file + ": " + e.getMessage());
    }
    if (parsed != null && !parsed.isObject()) {
      throw new ExitCodes.UserError(
          "config file " + file + " must be a YAML mapping of option: value");
    }
    return parsed;
  }

  /**
   * Makes a key that no command has as an option a usage error: a typo ({@code listn:}) must not be
   * silently ignored. A key of another command is allowed, so one file can serve several.
   */
  ConfigDefaults knowing(java.util.Set<String> keys) {
    this.knownKeys = keys;
    return this;
  }

  /** Why the config file cannot be used, or {@code null}. */
  RuntimeException problem() {
    JsonNode file = yaml();
    if (problem == null && file != null && knownKeys != null) {
      List<String> unknown = unknownKeys(knownKeys);
      if (!unknown.isEmpty()) {
        problem =
            new ExitCodes.UsageError(unknown.get(0) + " (`metamirror config check` lists all)");
      }
    }
    return problem;
  }

  /** The config file, or null when none is named. */
  Path file() {
    return configFile;
  }

  /**
   * One line per top-level key of the file that is not in {@code known}, naming the file, its line
   * and the closest known key; empty when there are none or the file cannot be read.
   */
  List<String> unknownKeys(java.util.Set<String> known) {
    List<String> lines = new ArrayList<>();
    if (yaml() == null) {
      return lines;
    }
    keyLines()
        .forEach(
            (key, line) -> {
              if (!known.contains(key)) {
                String close = closest(key, known);
                lines.add(
                    "config file "
                        + configFile
                        + " line "
                        + line
                        + ": unknown key '"
                        + key
                        + "'"
                        + (close == null ? "" : " (did you mean '" + close + "'?)"));
              }
            });
    return lines;
  }

  /** The file's top-level keys, in file order, with the line each is on. */
  private Map<String, Integer> keyLines() {
    Map<String, Integer> keys = new java.util.LinkedHashMap<>();
    try (com.fasterxml.jackson.core.JsonParser p =
        new YAMLFactory().createParser(configFile.toFile())) {
      int depth = 0;
      for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t.isStructStart()) {
          depth++;
        } else if (t.isStructEnd()) {
          depth--;
        } else if (t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME && depth == 1) {
          keys.put(p.currentName(), p.currentLocation().getLineNr());
        }
      }
    } catch (IOException e) {
      // load() has already reported a file that cannot be read or parsed
    }
    return keys;
  }

  /** The known key nearest to {@code key} by edit distance, if it is near enough to be a typo. */
  private static String closest(String key, java.util.Set<String> known) {
    String best = null;
    int bestDistance = Math.max(2, key.length() / 3) + 1;
    for (String k : known) {
      int d = distance(key, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
