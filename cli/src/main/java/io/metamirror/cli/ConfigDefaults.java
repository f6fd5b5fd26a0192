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
  private ExitCodes.UserError problem;

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
    String key = option.longestName().replaceFirst("^-+", "");
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

  /** Why the config file cannot be used, or {@code null}. */
  ExitCodes.UserError problem() {
    yaml();
    return problem;
  }
}
