package io.metamirror.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo's Composer packages: version documents (composer.json fields plus {@code version},
 * {@code dist}, {@code time}) that the origin's generator turns into {@code packages.json} and
 * minified {@code p2/} files. A small graph: {@code acme/gadget ^1.2} needs {@code acme/widget
 * ^2.0}; {@code acme/widget} also has a {@code dev-main} branch.
 */
final class SampleRepository {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Version(
      String name, String description, String version, Map<String, String> require) {}

  private static final List<Version> VERSIONS =
      List.of(
          new Version("acme/widget", "Widgets for every occasion", "1.0.0", Map.of("php", ">=7.4")),
          new Version("acme/widget", "Widgets for every occasion", "1.1.0", Map.of("php", ">=7.4")),
          new Version("acme/widget", "Widgets for every occasion", "2.0.0", Map.of("php", ">=8.1")),
          new Version(
              "acme/widget", "Widgets for every occasion", "dev-main", Map.of("php", ">=8.1")),
          new Version(
              "acme/gadget", "Gadgets built on widgets", "1.0.0", Map.of("acme/widget", "^1.0")),
          new Version(
              "acme/gadget", "Gadgets built on widgets", "1.2.0", Map.of("acme/widget", "^2.0")),
          new Version("acme/logger", "A tiny PSR-3 logger", "0.9.1", Map.of("php", ">=8.0")));

  private SampleRepository() {}

  /** The sample's version documents; the same on every call, so republishing changes nothing. */
  static List<ObjectNode> versions() {
    List<ObjectNode> docs = new ArrayList<>();
    for (Version v : VERSIONS) {
      ObjectNode doc = JSON.createObjectNode();
      doc.put("name", v.name());
      doc.put("description", v.description());
      doc.put("version", v.version());
      doc.put("type", "library");
      doc.putArray("license").add("MIT");
      ObjectNode require = doc.putObject("require");
      v.require().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> require.put(e.getKey(), e.getValue()));
      String reference =
          String.format("%040x", (long) (v.name() + v.version()).hashCode() & 0xffffffffL);
      doc.putObject("dist")
          .put("type", "zip")
          .put("url", "https://example.test/dist/" + v.name() + "/" + v.version() + ".zip")
          .put("reference", reference)
          .put("shasum", "");
      doc.put("time", "2026-01-01T00:00:00+00:00");
      docs.add(doc);
    }
    return docs;
  }
}
