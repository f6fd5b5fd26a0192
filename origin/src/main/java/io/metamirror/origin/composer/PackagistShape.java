package io.metamirror.origin.composer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One version as packagist.org writes it into a p2 file: only the package fields packagist keeps,
 * in its order, with its defaults. A normalized document
 *
 * <pre>
 * {"name":"acme/foo","version":"1.0.0","version_normalized":"1.0.0.0","license":"MIT",
 *  "scripts":{"test":"phpunit"},"dist":{"type":"zip","url":"https://x/foo.zip","reference":"abc"}}
 * </pre>
 *
 * becomes
 *
 * <pre>
 * {"name":"acme/foo","description":"","keywords":[],"homepage":"","version":"1.0.0",
 *  "version_normalized":"1.0.0.0","license":["MIT"],"authors":[],
 *  "dist":{"type":"zip","url":"https://x/foo.zip","reference":"abc","shasum":""},"type":"library"}
 * </pre>
 *
 * Facts (composer/packagist {@code Version::toV2Array}; see {@code docs/DESIGN.md} §6): {@code
 * description}, {@code keywords}, {@code homepage}, {@code license}, {@code authors} and {@code
 * type} are always written ({@code ""}, {@code []}, {@code "library"} when missing); {@code
 * license} is always an array; a dist always has {@code shasum}, {@code ""} when the publisher did
 * not give one (packagist does the same for GitHub zipballs, whose checksum nobody knows ahead);
 * author keys are ordered name, email, homepage, role; {@code funding} is sorted by type and url;
 * {@code support} keys are sorted; empty link maps, autoload, extra, bin, support and funding are
 * left out; {@code default-branch} is written only when true. Keys Composer repositories do not
 * carry ({@code scripts}, {@code config}, {@code minimum-stability}, ...) are dropped. Differences
 * from packagist: {@code source} and {@code dist} are left out rather than written as {@code null}
 * when the publisher gave none, and {@code time} is kept as given.
 */
final class PackagistShape {
  /** packagist's order; {@code support} comes last because its v2 writer appends it. */
  private static final List<String> FIELDS =
      List.of(
          "name",
          "description",
          "keywords",
          "homepage",
          "version",
          "version_normalized",
          "license",
          "authors",
          "source",
          "dist",
          "type",
          "funding",
          "time",
          "autoload",
          "extra",
          "target-dir",
          "include-path",
          "bin",
          "default-branch",
          "require",
          "require-dev",
          "suggest",
          "conflict",
          "provide",
          "replace",
          "abandoned",
          "support");

  private static final List<String> AUTHOR_KEYS = List.of("name", "email", "homepage", "role");

  private PackagistShape() {}

  /** The p2 form of a {@linkplain VersionDocuments#normalize normalized} version; a new node. */
  static ObjectNode of(ObjectNode doc) {
    ObjectNode out = doc.objectNode();
    for (String field : FIELDS) {
      JsonNode value = doc.get(field);
      JsonNode shaped =
          switch (field) {
            case "description", "homepage" -> value == null ? out.textNode("") : value.deepCopy();
            case "keywords" -> value == null ? out.arrayNode() : value.deepCopy();
            case "type" -> value == null ? out.textNode("library") : value.deepCopy();
            case "license" -> license(doc, value);
            case "authors" ->
                value == null || !value.isArray() ? out.arrayNode() : authors((ArrayNode) value);
            case "dist" -> value == null || !value.isObject() ? null : dist((ObjectNode) value);
            case "funding" ->
                isEmpty(value) || !value.isArray() ? null : funding((ArrayNode) value);
            case "support" ->
                isEmpty(value) || !value.isObject()
                    ? null
                    : orderedKeys((ObjectNode) value, List.of());
            case "default-branch" -> value != null && value.asBoolean() ? value.deepCopy() : null;
            default -> isEmpty(value) ? null : value.deepCopy();
          };
      if (shaped != null) {
        out.set(field, shaped);
      }
    }
    return out;
  }

  private static JsonNode license(ObjectNode doc, JsonNode value) {
    if (value == null) {
      return doc.arrayNode();
    }
    return value.isTextual() ? doc.arrayNode().add(value.textValue()) : value.deepCopy();
  }

  private static ArrayNode authors(ArrayNode authors) {
    ArrayNode out = authors.arrayNode();
    for (JsonNode author : authors) {
      out.add(
          author.isObject() ? orderedKeys((ObjectNode) author, AUTHOR_KEYS) : author.deepCopy());
    }
    return out;
  }

  private static ObjectNode dist(ObjectNode dist) {
    ObjectNode out = dist.deepCopy();
    if (!out.has("shasum")) {
      out.put("shasum", "");
    }
    return out;
  }

  private static ArrayNode funding(ArrayNode funding) {
    List<JsonNode> items = new ArrayList<>();
    funding.forEach(items::add);
    items.sort(Comparator.comparing(f -> f.path("type").asText("") + f.path("url").asText("")));
    ArrayNode out = funding.arrayNode();
    items.forEach(f -> out.add(f.deepCopy()));
    return out;
  }

  /** A copy with the keys of {@code first} in that order, then the others by name. */
  private static ObjectNode orderedKeys(ObjectNode object, List<String> first) {
    List<String> keys = new ArrayList<>();
    object.fieldNames().forEachRemaining(keys::add);
    keys.sort(
        Comparator.comparingInt((String k) -> first.contains(k) ? first.indexOf(k) : first.size())
            .thenComparing(Comparator.naturalOrder()));
    ObjectNode out = object.objectNode();
    keys.forEach(k -> out.set(k, object.get(k).deepCopy()));
    return out;
  }

  /** Absent, null, or an empty array, object or string: packagist writes nothing then. */
  private static boolean isEmpty(JsonNode value) {
    return value == null
        || value.isNull()
        || (value.isContainerNode() && value.isEmpty())
        || (value.isTextual() && value.textValue().isEmpty());
  }
}
