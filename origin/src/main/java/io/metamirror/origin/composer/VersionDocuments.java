package io.metamirror.origin.composer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.protocol.UntrustedJson;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One version of a package as a p2 file lists it: the package's {@code composer.json} at that
 * version plus {@code version}, {@code version_normalized}, {@code source}, {@code dist} and {@code
 * time}:
 *
 * <pre>
 * {"name": "acme/foo", "version": "v1.2.0", "version_normalized": "1.2.0.0",
 *  "require": {"php": "^8.1"}, "autoload": {"psr-4": {"Acme\\Foo\\": "src/"}},
 *  "dist": {"type": "zip", "url": "https://example.org/foo-1.2.0.zip", "reference": "abc"},
 *  "time": "2024-01-31T12:00:00+00:00", "license": ["MIT"]}
 * </pre>
 *
 * This is the one place that decides whether publishing input is acceptable, for the origin's API
 * and for the CLI before it sends: {@link #read} parses a body or file within {@link
 * UntrustedJson}'s limits, {@link #problems} checks the fields Composer would refuse to load or
 * misread, following Composer's {@code ValidatingArrayLoader} (names by {@link PackageName},
 * versions by {@link VersionParser}); unknown fields pass. Where PHP cannot tell an empty list from
 * an empty object, an empty JSON array is accepted for an object field.
 */
public final class VersionDocuments {
  private static final DateTimeFormatter SPACED_DATE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);
  private static final List<String> LINK_FIELDS =
      List.of("require", "require-dev", "conflict", "replace", "provide", "suggest");
  private static final List<String> STRING_FIELDS =
      List.of("description", "type", "homepage", "time", "target-dir", "minimum-stability");
  private static final Set<String> AUTOLOAD_KINDS =
      Set.of("psr-0", "psr-4", "classmap", "files", "exclude-from-classmap");
  // The forms Composer and packagist write; PHP's DateTime takes more ("next monday"), we do not.
  private static final List<Function<String, ?>> TIME_PARSERS =
      List.of(
          OffsetDateTime::parse,
          LocalDateTime::parse,
          text -> LocalDateTime.parse(text, SPACED_DATE_TIME),
          LocalDate::parse);

  private VersionDocuments() {}

  /**
   * A request body or file of version documents: one document (an object) or an array of them, not
   * yet checked (see {@link #documents} and {@link #problems}).
   *
   * @throws InvalidPackagesException with one problem when it is not JSON, breaks a limit of {@link
   *     UntrustedJson} or is neither an object nor an array
   */
  public static JsonNode read(InputStream in) throws IOException {
    JsonNode body;
    try {
      body = UntrustedJson.MAPPER.readTree(in);
    } catch (JsonProcessingException e) {
      throw new InvalidPackagesException(List.of("not valid JSON" + UntrustedJson.reason(e)));
    }
    if (body == null || !(body.isObject() || body.isArray())) {
      throw new InvalidPackagesException(
          List.of("must be a version document (an object) or an array of them"));
    }
    return body;
  }

  /** The documents of what {@link #read} returned: the array's items, or the one document. */
  public static List<JsonNode> documents(JsonNode body) {
    List<JsonNode> documents = new ArrayList<>();
    if (body.isArray()) {
      body.forEach(documents::add);
    } else {
      documents.add(body);
    }
    return documents;
  }

  /**
   * Every problem with the document, each naming its field ({@code "require.php": must be a
   * string}); empty when the document is fit to publish.
   */
  public static List<String> problems(JsonNode doc) {
    List<String> problems = new ArrayList<>();
    if (doc == null || !doc.isObject()) {
      problems.add("version document: must be an object");
      return problems;
    }
    Problems p = new Problems(problems);

    String name = p.requiredText(doc, "name");
    if (name != null) {
      PackageName.problem(name).ifPresent(problem -> p.add("name", problem));
    }

    String version = p.requiredText(doc, "version");
    if (version != null) {
      try {
        VersionParser.normalize(version);
      } catch (IllegalArgumentException e) {
        p.add("version", e.getMessage());
      }
    }

    for (String field : STRING_FIELDS) {
      p.string(doc, field);
    }
    JsonNode time = doc.get("time");
    if (time != null && time.isTextual() && !isTime(time.textValue())) {
      p.add("time", "is not a date (" + UntrustedJson.quote(time.textValue()) + ")");
    }
    p.stringOrStrings(doc, "license");
    p.stringOrStrings(doc, "bin");
    p.strings(doc, "keywords");
    p.strings(doc, "include-path");
    JsonNode defaultBranch = doc.get("default-branch");
    if (defaultBranch != null && !defaultBranch.isBoolean()) {
      p.add("default-branch", "must be true or false");
    }
    JsonNode abandoned = doc.get("abandoned");
    if (abandoned != null && !abandoned.isTextual() && !abandoned.isBoolean()) {
      p.add("abandoned", "must be a package name or true or false");
    }

    for (String field : LINK_FIELDS) {
      if (p.object(doc, field)) {
        for (Map.Entry<String, JsonNode> link : doc.get(field).properties()) {
          p.string(doc.get(field), field + "." + link.getKey(), link.getKey());
        }
      }
    }
    for (String field : List.of("autoload", "autoload-dev")) {
      if (p.object(doc, field)) {
        for (Map.Entry<String, JsonNode> kind : doc.get(field).properties()) {
          if (!AUTOLOAD_KINDS.contains(kind.getKey())) {
            p.add(
                field + "." + kind.getKey(),
                "must be one of psr-0, psr-4, classmap, files, exclude-from-classmap");
          }
        }
      }
    }
    p.objectOrArray(doc, "extra");
    p.objectOrArray(doc, "scripts");

    for (String field : List.of("source", "dist")) {
      if (p.object(doc, field)) {
        JsonNode location = doc.get(field);
        p.requiredString(location, field, "type");
        p.requiredString(location, field, "url");
        if (field.equals("source")) {
          p.requiredString(location, field, "reference");
        } else {
          p.string(location, "dist.reference", "reference");
        }
      }
    }
    if (p.object(doc, "support")) {
      for (Map.Entry<String, JsonNode> entry : doc.get("support").properties()) {
        p.string(doc.get("support"), "support." + entry.getKey(), entry.getKey());
      }
    }
    p.arrayOfObjects(doc, "authors", List.of("name", "email", "homepage", "role"));
    p.arrayOfObjects(doc, "funding", List.of("type", "url"));
    return problems;
  }

  /**
   * A copy fit to publish: {@code name} lower-cased and {@code version_normalized} computed from
   * {@code version} (a given one is never trusted), placed right after {@code version}.
   *
   * @throws IllegalArgumentException if {@code version} is missing or not a version
   */
  public static ObjectNode normalize(ObjectNode doc) {
    JsonNode version = doc.get("version");
    if (version == null || !version.isTextual()) {
      throw new IllegalArgumentException("\"version\": must be a string");
    }
    String normalized = VersionParser.normalize(version.textValue());
    ObjectNode out = doc.objectNode();
    for (Map.Entry<String, JsonNode> field : doc.properties()) {
      switch (field.getKey()) {
        case "version_normalized" -> {}
        case "name" ->
            out.set(
                "name",
                field.getValue().isTextual()
                    ? out.textNode(field.getValue().textValue().toLowerCase(Locale.ROOT))
                    : field.getValue().deepCopy());
        case "version" -> {
          out.set("version", field.getValue().deepCopy());
          out.put("version_normalized", normalized);
        }
        default -> out.set(field.getKey(), field.getValue().deepCopy());
      }
    }
    return out;
  }

  private static boolean isTime(String text) {
    for (Function<String, ?> parse : TIME_PARSERS) {
      try {
        parse.apply(text);
        return true;
      } catch (DateTimeParseException e) {
        // try the next form
      }
    }
    return false;
  }

  /**
   * Collects messages of the form {@code "field": problem}, the first {@link
   * UntrustedJson#MAX_PROBLEMS} of them.
   */
  private record Problems(List<String> list) {
    void add(String path, String problem) {
      if (!full()) {
        list.add("\"" + path + "\": " + problem);
      }
    }

    /** Whether more problems would not be listed, so a huge array need not be walked further. */
    boolean full() {
      return list.size() >= UntrustedJson.MAX_PROBLEMS;
    }

    void string(JsonNode parent, String field) {
      string(parent, field, field);
    }

    /** The text of a field that must be a string; null, with the problem added, when it is not. */
    String requiredText(JsonNode doc, String field) {
      JsonNode value = doc.get(field);
      if (value == null) {
        add(field, "is missing");
        return null;
      }
      if (!value.isTextual()) {
        add(field, "must be a string");
        return null;
      }
      return value.textValue();
    }

    void string(JsonNode parent, String path, String field) {
      JsonNode value = parent.get(field);
      if (value != null && !value.isTextual()) {
        add(path, "must be a string");
      }
    }

    void requiredString(JsonNode parent, String parentPath, String field) {
      if (parent.get(field) == null) {
        add(parentPath + "." + field, "is missing");
      } else {
        string(parent, parentPath + "." + field, field);
      }
    }

    void stringOrStrings(JsonNode doc, String field) {
      JsonNode value = doc.get(field);
      if (value != null && !value.isTextual()) {
        strings(doc, field, "must be a string or strings");
      }
    }

    void strings(JsonNode doc, String field) {
      strings(doc, field, "must be an array of strings");
    }

    private void strings(JsonNode doc, String field, String problem) {
      JsonNode value = doc.get(field);
      if (value == null) {
        return;
      }
      if (!value.isArray()) {
        add(field, problem);
        return;
      }
      for (int i = 0; i < value.size() && !full(); i++) {
        if (!value.get(i).isTextual()) {
          add(field + "." + i, "must be a string");
        }
      }
    }

    /** True when the field is present and an object (or an empty array, PHP's empty object). */
    boolean object(JsonNode doc, String field) {
      JsonNode value = doc.get(field);
      if (value == null || (value.isArray() && value.isEmpty())) {
        return false;
      }
      if (!value.isObject()) {
        add(field, "must be an object");
        return false;
      }
      return true;
    }

    void objectOrArray(JsonNode doc, String field) {
      JsonNode value = doc.get(field);
      if (value != null && !value.isObject() && !value.isArray()) {
        add(field, "must be an object or an array");
      }
    }

    void arrayOfObjects(JsonNode doc, String field, List<String> stringKeys) {
      JsonNode value = doc.get(field);
      if (value == null) {
        return;
      }
      if (!value.isArray()) {
        add(field, "must be an array of objects");
        return;
      }
      for (int i = 0; i < value.size() && !full(); i++) {
        JsonNode item = value.get(i);
        if (!item.isObject()) {
          add(field + "." + i, "must be an object");
          continue;
        }
        for (String key : stringKeys) {
          string(item, field + "." + i + "." + key, key);
        }
      }
    }
  }
}
