package io.metamirror.dns.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the fields of one fleet file and collects every problem, each named by its line and field
 * ({@code line 9, regions.eu-west-1.nodes[0].ipv4: not an IPv4 address}). Locations are JSON
 * pointers ({@code /regions/eu-west-1/nodes/0}); a value without a line of its own is reported at
 * its nearest parent's. Shared by {@link FleetFileParser} and the readers of {@link
 * FleetFileExtension}s, so that every key of the file is checked and reported the same way.
 */
public final class FleetFileFields {
  private final Map<String, Integer> lines;
  private final List<String> problems = new ArrayList<>();

  FleetFileFields(Map<String, Integer> lines) {
    this.lines = lines;
  }

  List<String> problems() {
    return problems;
  }

  /** Whether a problem was reported since {@code before} = an earlier {@link #count}. */
  public boolean reportedSince(int before) {
    return problems.size() > before;
  }

  public int count() {
    return problems.size();
  }

  /**
   * A non-blank scalar at {@code obj.key}, trimmed; {@code null} (reported when required) if not.
   */
  public String text(JsonNode obj, String at, String key, boolean required) {
    JsonNode v = obj.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        problem(at, key + " is required");
      }
      return null;
    }
    if (!v.isValueNode() || v.asText().isBlank()) {
      problem(at + "/" + key, "must be a non-empty string, got " + v);
      return null;
    }
    return v.asText().trim();
  }

  /** {@link #text}, which must also match {@code pattern}; {@code what} names the expected form. */
  public String matching(
      JsonNode obj, String at, String key, boolean required, Pattern pattern, String what) {
    String v = text(obj, at, key, required);
    if (v != null && !pattern.matcher(v).matches()) {
      problem(at + "/" + key, "not " + what + ": \"" + v + "\"");
      return null;
    }
    return v;
  }

  /** A list of strings that each match {@code pattern}; empty when absent. */
  public List<String> matchingList(
      JsonNode obj, String at, String key, Pattern pattern, String what) {
    JsonNode v = obj.get(key);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      problem(at + "/" + key, "must be a list, got " + v);
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      String item = v.get(i).isValueNode() ? v.get(i).asText().trim() : v.get(i).toString();
      if (!pattern.matcher(item).matches()) {
        problem(at + "/" + key + "/" + i, "not " + what + ": \"" + item + "\"");
      } else {
        out.add(item);
      }
    }
    return List.copyOf(out);
  }

  public int integer(JsonNode obj, String at, String key, int dflt, int min, int max) {
    JsonNode v = obj.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
      problem(at + "/" + key, "must be a whole number in " + min + ".." + max + ", got " + v);
      return dflt;
    }
    return v.asInt();
  }

  /**
   * The mapping at {@code obj.key} with only {@code known} keys, or {@code null} (reported) when it
   * is not a mapping; {@code null} without a report when absent.
   */
  public JsonNode mapping(JsonNode obj, String at, String key, Set<String> known) {
    JsonNode v = obj.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      problem(at + "/" + key, "must be a mapping of " + String.join(", ", new TreeSet<>(known)));
      return null;
    }
    unknownKeys(v, at + "/" + key, known);
    return v;
  }

  public void unknownKeys(JsonNode obj, String at, Set<String> known) {
    obj.fieldNames()
        .forEachRemaining(
            k -> {
              if (!known.contains(k)) {
                problem(
                    at + "/" + k,
                    "unknown key \""
                        + k
                        + "\" (known: "
                        + String.join(", ", new TreeSet<>(known))
                        + ")");
              }
            });
  }

  public void problem(String pointer, String message) {
    Integer line = lines.get(pointer);
    for (String p = pointer; line == null && !p.isEmpty(); ) {
      p = p.substring(0, p.lastIndexOf('/'));
      line = lines.get(p);
    }
    String field = fieldName(pointer);
    problems.add(
        (line != null && line > 0 ? "line " + line + ", " : "")
            + (field.isEmpty() ? "" : field + ": ")
            + message);
  }

  /** {@code /regions/eu-west-1/nodes/1/ipv4} → {@code regions.eu-west-1.nodes[1].ipv4}. */
  private static String fieldName(String pointer) {
    StringBuilder b = new StringBuilder();
    for (String part : pointer.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (part.matches("[0-9]+")) {
        b.append('[').append(part).append(']');
      } else {
        b.append(b.length() == 0 ? "" : ".").append(part);
      }
    }
    return b.toString();
  }
}
