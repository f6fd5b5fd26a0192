package io.metamirror.origin.composer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes a Composer v2 repository's metadata: the root {@code packages.json} and, per package, a
 * stable and a dev p2 file. A stable file, minified:
 *
 * <pre>
 * {"packages":{"acme/foo":[{"name":"acme/foo","version":"1.1.0","version_normalized":"1.1.0.0",...},
 * {"version":"1.0.0","version_normalized":"1.0.0.0"}]},"minified":"composer/2.0","security-advisories":[]}
 * </pre>
 *
 * The dev file is the same without {@code security-advisories}. Each version is written in
 * packagist.org's {@linkplain PackagistShape shape} (its fields, order and defaults). Output is
 * compact UTF-8 JSON with slashes and non-ASCII characters unescaped, as packagist.org writes it,
 * and depends only on the set of versions given: the same versions in any order give the same
 * bytes. URLs in the root file are relative so clients stay on the host they fetched it from.
 */
public final class MetadataGenerator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private MetadataGenerator() {}

  /**
   * The stable and dev p2 files of a package. Each version is {@linkplain
   * VersionDocuments#normalize normalized}, split by {@linkplain VersionParser#isDev stability},
   * sorted {@linkplain VersionComparator#NEWEST_FIRST newest first} and {@linkplain Minifier
   * minified}.
   *
   * @throws IllegalArgumentException if the name is invalid, a version has {@linkplain
   *     VersionDocuments#problems problems} or another name, or two versions normalize alike
   */
  public static PackageFiles packageFiles(String name, Collection<ObjectNode> versions) {
    PackageName.requireValid(name);
    List<ObjectNode> normalized = new ArrayList<>(versions.size());
    for (ObjectNode version : versions) {
      List<String> problems = VersionDocuments.problems(version);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(
            name + " " + version.path("version") + ": " + String.join("; ", problems));
      }
      normalized.add(VersionDocuments.normalize(version));
    }
    return fromNormalized(name, normalized);
  }

  /**
   * As {@link #packageFiles}, for versions that already went through {@link
   * VersionDocuments#normalize} (the package store holds only such), without checking them again: a
   * publish of one version of a package with hundreds stays cheap.
   */
  static PackageFiles fromNormalized(String name, Collection<ObjectNode> versions) {
    TreeMap<String, ObjectNode> stable = new TreeMap<>(VersionComparator.NEWEST_FIRST);
    TreeMap<String, ObjectNode> dev = new TreeMap<>(VersionComparator.NEWEST_FIRST);
    for (ObjectNode doc : versions) {
      String normalized = doc.get("version_normalized").textValue();
      if (!doc.path("name").asText().equals(name)) {
        throw new IllegalArgumentException(
            "version "
                + doc.get("version").textValue()
                + " is named "
                + doc.get("name")
                + ", not \""
                + name
                + "\"");
      }
      TreeMap<String, ObjectNode> file = VersionParser.isDev(normalized) ? dev : stable;
      if (file.put(normalized, doc) != null) {
        throw new IllegalArgumentException(
            name + ": two versions normalize to \"" + normalized + "\"");
      }
    }
    return new PackageFiles(p2File(name, stable.values(), true), p2File(name, dev.values(), false));
  }

  /**
   * The root {@code packages.json}: v2 protocol only, every package listed, URLs relative.
   *
   * <pre>
   * {"packages":[],"metadata-url":"/p2/%package%.json","available-packages":["acme/bar","acme/foo"],
   *  "metadata-changes-url":"/metadata/changes.json","list":"/packages/list.json"}
   * </pre>
   *
   * @throws IllegalArgumentException if a name is invalid
   */
  public static byte[] rootFile(Collection<String> packageNames) {
    TreeSet<String> names = new TreeSet<>();
    for (String name : packageNames) {
      names.add(PackageName.requireValid(name));
    }
    ObjectNode root = NODES.objectNode();
    root.putArray("packages");
    root.put("metadata-url", "/p2/%package%.json");
    ArrayNode available = root.putArray("available-packages");
    names.forEach(available::add);
    root.put("metadata-changes-url", "/metadata/changes.json");
    root.put("list", "/packages/list.json");
    return bytes(root);
  }

  /** {@code "acme/foo"} → {@code "p2/acme/foo.json"}, the tagged versions. */
  public static String stablePath(String name) {
    return "p2/" + PackageName.requireValid(name) + ".json";
  }

  /** {@code "acme/foo"} → {@code "p2/acme/foo~dev.json"}, the branches. */
  public static String devPath(String name) {
    return "p2/" + PackageName.requireValid(name) + "~dev.json";
  }

  private static byte[] p2File(String name, Collection<ObjectNode> newestFirst, boolean stable) {
    ObjectNode file = NODES.objectNode();
    ArrayNode list = file.putObject("packages").putArray(name);
    List<ObjectNode> shaped = new ArrayList<>(newestFirst.size());
    newestFirst.forEach(v -> shaped.add(PackagistShape.of(v)));
    Minifier.minify(shaped).forEach(list::add);
    file.put("minified", "composer/2.0");
    if (stable) {
      file.putArray("security-advisories");
    }
    return bytes(file);
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e); // a tree of plain nodes always serializes
    }
  }
}
