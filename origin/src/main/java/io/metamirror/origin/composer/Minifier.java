package io.metamirror.origin.composer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code "minified": "composer/2.0"} encoding of a p2 file's version list. The first version is
 * written whole; each following one holds only the top-level keys whose whole value differs from
 * the previous <em>expanded</em> version, and {@code "__unset"} for a key that is gone:
 *
 * <pre>
 *   expanded                                        minified
 *   {"version":"2.0.0","require":{"php":"^8.1"}}    {"version":"2.0.0","require":{"php":"^8.1"}}
 *   {"version":"1.1.0","require":{"php":"^8.1"}}    {"version":"1.1.0"}
 *   {"version":"1.0.0"}                             {"version":"1.0.0","require":"__unset"}
 * </pre>
 *
 * A nested change rewrites the whole top-level value. JSON {@code null} is a value like any other
 * (absent and null differ). Neither method modifies its input; results share no nodes with it.
 */
public final class Minifier {
  /** The marker for a key the previous version had and this one has not. */
  static final String UNSET = "__unset";

  private Minifier() {}

  /**
   * Minifies versions given in file order (newest first).
   *
   * @throws IllegalArgumentException if a version has a top-level value equal to {@code "__unset"},
   *     which the format cannot express
   */
  public static List<ObjectNode> minify(List<ObjectNode> expanded) {
    Objects.requireNonNull(expanded, "expanded");
    List<ObjectNode> minified = new ArrayList<>(expanded.size());
    ObjectNode previous = null;
    for (int i = 0; i < expanded.size(); i++) {
      ObjectNode version = Objects.requireNonNull(expanded.get(i), "version " + i);
      for (Map.Entry<String, JsonNode> field : version.properties()) {
        if (isUnset(field.getValue())) {
          throw new IllegalArgumentException(
              "version "
                  + i
                  + ": \""
                  + field.getKey()
                  + "\" is \"__unset\", which cannot be minified");
        }
      }
      if (previous == null) {
        minified.add(version.deepCopy());
      } else {
        ObjectNode delta = version.objectNode();
        for (Map.Entry<String, JsonNode> field : version.properties()) {
          if (!field.getValue().equals(previous.get(field.getKey()))) {
            delta.set(field.getKey(), field.getValue().deepCopy());
          }
        }
        for (Iterator<String> names = previous.fieldNames(); names.hasNext(); ) {
          String name = names.next();
          if (!version.has(name)) {
            delta.put(name, UNSET);
          }
        }
        minified.add(delta);
      }
      previous = version;
    }
    return minified;
  }

  /**
   * Expands a minified version list back to whole versions, as a Composer client does: carry the
   * previous version forward, overwrite the listed keys, drop the {@code "__unset"} ones. A changed
   * key keeps its place; a new key goes last.
   */
  public static List<ObjectNode> expand(List<ObjectNode> minified) {
    Objects.requireNonNull(minified, "minified");
    List<ObjectNode> expanded = new ArrayList<>(minified.size());
    ObjectNode current = null;
    for (int i = 0; i < minified.size(); i++) {
      ObjectNode delta = Objects.requireNonNull(minified.get(i), "version " + i);
      if (current == null) {
        current = delta.deepCopy();
      } else {
        current = current.deepCopy();
        for (Map.Entry<String, JsonNode> field : delta.properties()) {
          if (isUnset(field.getValue())) {
            current.remove(field.getKey());
          } else {
            current.set(field.getKey(), field.getValue().deepCopy());
          }
        }
      }
      expanded.add(current);
    }
    return expanded;
  }

  private static boolean isUnset(JsonNode value) {
    return value.isTextual() && value.textValue().equals(UNSET);
  }
}
