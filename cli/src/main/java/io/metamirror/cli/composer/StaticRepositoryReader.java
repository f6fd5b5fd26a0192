package io.metamirror.cli.composer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.origin.composer.Minifier;
import io.metamirror.origin.composer.PackageName;
import io.metamirror.origin.composer.VersionDocuments;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Reads the version documents out of a directory that already is a Composer repository, or a tree
 * of {@code composer.json} files. A directory with {@code packages.json} or {@code p2/} is a
 * repository, any other one a tree:
 *
 * <ul>
 *   <li><b>Repository</b>, read in this order (the first copy of a version wins):
 *       <ol>
 *         <li>{@code p2/<vendor>/<name>.json} and {@code ~dev.json}: {@code {"packages":
 *             {"<vendor>/<name>": [ ... ]}}}, expanded with {@link Minifier#expand} when marked
 *             {@code "minified": "composer/2.0"};
 *         <li>files named by {@code packages.json}'s {@code "includes": {"include/all$<sha1>.json":
 *             {"sha1": "..."}}} (Satis's Composer 1 layout), each {@code {"packages": {"<name>":
 *             {"<version>": {...}}}}};
 *         <li>the same shape inline in {@code packages.json}'s {@code "packages"}.
 *       </ol>
 *   <li><b>Tree</b>: every {@code composer.json} below the directory that carries a {@code
 *       version}, skipping {@code vendor/} and dot directories.
 * </ul>
 *
 * {@code version_normalized} is dropped (the origin computes its own). Every document must pass
 * {@link VersionDocuments#problems}. Files reached through a symlink that leads outside the
 * directory are not read. Whatever cannot be read, from a broken file to one bad version, is
 * skipped with a warning naming the file relative to the directory; nothing is dropped without one,
 * except an identical second copy of a version. Documents come ordered by package name, then as
 * found.
 *
 * <pre>{@code
 * ScanResult result = StaticRepositoryReader.read(Path.of("/srv/satis/public"));
 * // documents: [{"name":"acme/foo","version":"1.2.0","dist":{...},...}, ...]
 * // warnings:  ["p2/acme/bar.json: packages lacks acme/bar"]
 * }</pre>
 */
public final class StaticRepositoryReader {
  private static final String MINIFIED_V2 = "composer/2.0";

  private final Path root;
  private final List<String> warnings = new ArrayList<>();
  private final Map<String, Found> byVersion = new LinkedHashMap<>();

  private record Found(ObjectNode document, String file) {}

  private StaticRepositoryReader(Path root) {
    this.root = root;
  }

  /**
   * Reads {@code directory}.
   *
   * @throws IOException if it is not a readable directory; problems inside it are warnings
   */
  public static ScanResult read(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new IOException("not a directory: " + directory);
    }
    StaticRepositoryReader reader = new StaticRepositoryReader(directory.toRealPath());
    Path packagesJson = reader.root.resolve("packages.json");
    if (Files.exists(packagesJson, LinkOption.NOFOLLOW_LINKS)
        || Files.isDirectory(reader.root.resolve("p2"))) {
      reader.readRepository(packagesJson);
    } else {
      reader.readTree();
    }
    List<ObjectNode> documents = new ArrayList<>();
    reader.byVersion.values().forEach(found -> documents.add(found.document()));
    documents.sort(Comparator.comparing(d -> d.get("name").asText())); // stable: keeps found order
    return new ScanResult(documents, reader.warnings);
  }

  private void readRepository(Path packagesJson) throws IOException {
    Set<String> p2Names = new HashSet<>();
    Path p2 = root.resolve("p2");
    if (Files.isDirectory(p2, LinkOption.NOFOLLOW_LINKS)) {
      for (Path file : files(p2, dir -> false)) {
        readP2(file).ifPresent(p2Names::add);
      }
    } else if (Files.exists(p2, LinkOption.NOFOLLOW_LINKS)) {
      warnings.add("p2: not a directory, not read");
    }
    if (!Files.exists(packagesJson, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Optional<JsonNode> parsed = readBytes(packagesJson).flatMap(b -> parse(packagesJson, b));
    if (parsed.isEmpty()) {
      return;
    }
    if (!(parsed.get() instanceof ObjectNode index)) {
      warnings.add("packages.json: not a JSON object");
      return;
    }
    if (index.get("includes") instanceof ObjectNode includes) {
      Map<String, JsonNode> byPath = new TreeMap<>();
      includes.properties().forEach(include -> byPath.put(include.getKey(), include.getValue()));
      byPath.forEach(this::readInclude);
    } else if (index.has("includes")) {
      warnings.add("packages.json: includes is not an object, not read");
    }
    if (index.has("packages")) {
      readV1Packages("packages.json", index.get("packages"));
    }
    for (String key : List.of("providers", "provider-includes", "providers-url")) {
      if (index.has(key)) {
        warnings.add("packages.json: " + key + " (Composer 1 providers) are not read");
      }
    }
    if (index.get("available-packages") instanceof ArrayNode available) {
      for (JsonNode name : available) {
        if (!p2Names.contains(name.asText())) {
          warnings.add(
              "packages.json: available-packages lists "
                  + name.asText()
                  + " but there is no p2/"
                  + name.asText()
                  + ".json or ~dev.json");
        }
      }
    }
  }

  /** Returns the package name the file's path names, when the path has the p2 shape. */
  private Optional<String> readP2(Path file) {
    String rel = relative(file);
    Path underP2 = root.resolve("p2").relativize(file);
    String fileName = underP2.getFileName().toString();
    if (underP2.getNameCount() != 2 || !fileName.endsWith(".json")) {
      warnings.add(rel + ": not a p2/<vendor>/<name>.json file, not read");
      return Optional.empty();
    }
    String base = fileName.substring(0, fileName.length() - ".json".length());
    if (base.endsWith("~dev")) {
      base = base.substring(0, base.length() - "~dev".length());
    }
    String name = underP2.getName(0) + "/" + base;
    Optional<JsonNode> parsed = readBytes(file).flatMap(b -> parse(file, b));
    if (parsed.isEmpty()) {
      return Optional.of(name);
    }
    if (!(parsed.get().get("packages") instanceof ObjectNode packages)) {
      warnings.add(rel + ": no \"packages\" object");
      return Optional.of(name);
    }
    for (Map.Entry<String, JsonNode> other : packages.properties()) {
      if (!other.getKey().equals(name)) {
        warnings.add(
            rel + ": holds " + other.getKey() + " too, not read (a p2 file holds one package)");
      }
    }
    if (!packages.has(name)) {
      warnings.add(rel + ": packages lacks " + name);
      return Optional.of(name);
    }
    if (!(packages.get(name) instanceof ArrayNode list)) {
      warnings.add(rel + ": packages." + name + " is not a list");
      return Optional.of(name);
    }
    List<ObjectNode> versions = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) instanceof ObjectNode version) {
        versions.add(version);
      } else {
        warnings.add(rel + ": entry " + i + " of " + name + " is not an object");
      }
    }
    JsonNode minified = parsed.get().get("minified");
    if (minified != null) {
      if (!MINIFIED_V2.equals(minified.asText())) {
        warnings.add(rel + ": unknown minified format " + minified + ", not read");
        return Optional.of(name);
      }
      versions = Minifier.expand(versions);
    }
    versions.forEach(version -> accept(version, name, rel));
    return Optional.of(name);
  }

  private void readInclude(String include, JsonNode entry) {
    String label = "packages.json: include " + include;
    Path file;
    try {
      file = root.resolve(include).normalize();
    } catch (InvalidPathException e) {
      warnings.add(label + " is not a path (" + e.getMessage() + "), not read");
      return;
    }
    if (include.isEmpty() || !file.startsWith(root) || file.equals(root)) {
      warnings.add(label + " lies outside the directory, not read");
      return;
    }
    Optional<byte[]> bytes = readBytes(file);
    if (bytes.isEmpty()) {
      return;
    }
    JsonNode sha1 = entry == null ? null : entry.get("sha1");
    if (sha1 != null && !sha1.asText().equalsIgnoreCase(sha1(bytes.get()))) {
      // Still read: a stale checksum loses nothing that the warning does not say.
      warnings.add(relative(file) + ": sha1 differs from the one packages.json names");
    }
    Optional<JsonNode> parsed = parse(file, bytes.get());
    if (parsed.isPresent()) {
      readV1Packages(relative(file), parsed.get().get("packages"));
    }
  }

  /** The Composer 1 shape: {@code {"<name>": {"<version>": {...}}}}; PHP writes {} as []. */
  private void readV1Packages(String rel, JsonNode packages) {
    if (packages instanceof ArrayNode list && list.isEmpty()) {
      return;
    }
    if (!(packages instanceof ObjectNode byName)) {
      warnings.add(rel + ": \"packages\" is not an object of packages");
      return;
    }
    for (Map.Entry<String, JsonNode> named : byName.properties()) {
      String name = named.getKey();
      if (named.getValue() instanceof ArrayNode list && list.isEmpty()) {
        continue;
      }
      if (!(named.getValue() instanceof ObjectNode versions)) {
        warnings.add(rel + ": " + name + " is not an object of versions");
        continue;
      }
      for (Map.Entry<String, JsonNode> versioned : versions.properties()) {
        if (!(versioned.getValue() instanceof ObjectNode document)) {
          warnings.add(rel + ": " + name + " " + versioned.getKey() + " is not an object");
          continue;
        }
        if (!document.has("version")) {
          document.put("version", versioned.getKey());
        }
        accept(document, name, rel);
      }
    }
  }

  private void readTree() throws IOException {
    Predicate<Path> skip =
        dir -> {
          String name = dir.getFileName().toString();
          return name.equals("vendor") || name.startsWith(".");
        };
    for (Path file : files(root, skip)) {
      if (!file.getFileName().toString().equals("composer.json")) {
        continue;
      }
      String rel = relative(file);
      Optional<JsonNode> parsed = readBytes(file).flatMap(b -> parse(file, b));
      if (parsed.isEmpty()) {
        continue;
      }
      if (!(parsed.get() instanceof ObjectNode document)) {
        warnings.add(rel + ": not a JSON object");
      } else if (!document.hasNonNull("version")) {
        warnings.add(rel + ": no version, not read");
      } else if (!document.path("name").isTextual()) {
        warnings.add(rel + ": no name, not read");
      } else {
        accept(document, document.get("name").asText(), rel);
      }
    }
  }

  /** Checks one version of {@code name} and keeps it unless an earlier copy came first. */
  private void accept(ObjectNode version, String name, String rel) {
    ObjectNode document = GitScanner.JSON.createObjectNode();
    if (!version.has("name")) {
      document.put("name", name); // minified p2 and Composer 1 files may leave it to the key
    }
    document.setAll(version);
    document.remove("version_normalized");
    String label = rel + ": " + name + " " + document.path("version").asText("(no version)");
    if (!document.path("name").asText().equals(name)) {
      warnings.add(label + " names " + document.get("name") + ", not read");
      return;
    }
    Optional<String> nameProblem = PackageName.problem(name);
    if (nameProblem.isPresent()) {
      warnings.add(label + ": invalid name: " + nameProblem.get());
      return;
    }
    if (!document.path("version").isTextual() || document.get("version").asText().isEmpty()) {
      warnings.add(label + ": version is not a string, not read");
      return;
    }
    List<String> problems = VersionDocuments.problems(document);
    if (!problems.isEmpty()) {
      warnings.add(label + ": " + String.join("; ", problems));
      return;
    }
    String key = name + " " + document.get("version").asText();
    Found earlier = byVersion.putIfAbsent(key, new Found(document, rel));
    if (earlier != null && !earlier.document().equals(document)) {
      warnings.add(label + " differs from the copy in " + earlier.file() + ", which is kept");
    }
  }

  /**
   * Files below {@code dir} in name order, not descending into directories {@code skip} accepts. A
   * symlink that leads outside the root is reported and left out; dot-named files are not content
   * (temp files, editors' backups) and are left out silently.
   */
  private List<Path> files(Path dir, Predicate<Path> skip) throws IOException {
    List<Path> files = new ArrayList<>();
    List<String> walkWarnings = new ArrayList<>(); // sorted below: walk order is the OS's
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            return !d.equals(dir) && skip.test(d)
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (file.getFileName().toString().startsWith(".")) {
              return FileVisitResult.CONTINUE;
            }
            if (attrs.isSymbolicLink() && Files.isDirectory(file)) {
              if (!inside(file)) {
                walkWarnings.add(
                    relative(file) + ": symlink leads outside the directory, not read");
              }
              // Inside the root: its target is walked on its own.
              return FileVisitResult.CONTINUE;
            }
            files.add(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            walkWarnings.add(relative(file) + ": cannot read (" + e.getMessage() + ")");
            return FileVisitResult.CONTINUE;
          }
        });
    walkWarnings.sort(null);
    warnings.addAll(walkWarnings);
    files.sort(Comparator.comparing(Path::toString));
    return files;
  }

  private boolean inside(Path file) {
    try {
      return file.toRealPath().startsWith(root);
    } catch (IOException e) {
      return false;
    }
  }

  private Optional<byte[]> readBytes(Path file) {
    String rel = relative(file);
    try {
      Path real = file.toRealPath();
      if (!real.startsWith(root)) {
        warnings.add(rel + ": symlink leads outside the directory, not read");
        return Optional.empty();
      }
      if (!Files.isRegularFile(real)) {
        warnings.add(rel + ": not a regular file, not read");
        return Optional.empty();
      }
      return Optional.of(Files.readAllBytes(real));
    } catch (NoSuchFileException e) {
      warnings.add(rel + ": missing (or a dangling symlink)");
    } catch (IOException e) {
      warnings.add(rel + ": cannot read (" + e.getMessage() + ")");
    }
    return Optional.empty();
  }

  private Optional<JsonNode> parse(Path file, byte[] bytes) {
    try {
      JsonNode node = GitScanner.JSON.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        warnings.add(relative(file) + ": empty, not JSON");
        return Optional.empty();
      }
      return Optional.of(node);
    } catch (JsonProcessingException e) {
      warnings.add(relative(file) + ": not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      warnings.add(relative(file) + ": cannot read (" + e.getMessage() + ")");
    }
    return Optional.empty();
  }

  private String relative(Path file) {
    return root.relativize(file).toString();
  }

  private static String sha1(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }
}
