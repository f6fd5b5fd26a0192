package io.metamirror.origin.composer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.origin.repository.CorruptDataException;
import io.metamirror.protocol.AtomicFile;
import io.metamirror.protocol.FileSystemSync;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The versions of every Composer package the origin publishes: the source its {@code p2/} files and
 * {@code packages.json} are generated from. One file per package, so publishing one version reads
 * and writes one small file however many packages there are:
 *
 * <pre>
 * composer/packages/acme/widget.json
 *   {"format":1,"name":"acme/widget","versions":[{"name":"acme/widget","version":"1.0.0",
 *    "version_normalized":"1.0.0.0", ...}, ...]}
 * </pre>
 *
 * <p>Each file is replaced atomically (temp file, fsync, rename, fsync of the directory), so a
 * crash leaves either the old or the new list of versions. As {@link AtomicFile} does for one file,
 * but batched: one publish may rewrite thousands, flushed together with one {@code syncfs}. The
 * names of all packages are kept in memory; versions are read from disk when a package changes. Not
 * thread-safe: {@link ComposerRepository} serialises access.
 */
final class PackageStore {
  static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final FileSystemSync sync = new FileSystemSync(true);
  private final NavigableSet<String> names = new TreeSet<>();

  private PackageStore(Path root) {
    this.root = root;
  }

  /** Opens (creating when missing) the store under {@code dir}, removing leftover temp files. */
  static PackageStore open(Path dir) throws IOException {
    PackageStore store = new PackageStore(dir);
    Files.createDirectories(dir);
    try (DirectoryStream<Path> vendors = Files.newDirectoryStream(dir)) {
      for (Path vendor : vendors) {
        if (!Files.isDirectory(vendor)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(vendor)) {
          for (Path file : files) {
            String fileName = file.getFileName().toString();
            if (fileName.startsWith(".") && fileName.endsWith(".tmp")) {
              Files.deleteIfExists(file);
            } else if (fileName.endsWith(".json")) {
              String name =
                  vendor.getFileName()
                      + "/"
                      + fileName.substring(0, fileName.length() - ".json".length());
              if (PackageName.problem(name).isPresent()) {
                throw new CorruptDataException(
                    file + " is not the file of a valid package name: " + name);
              }
              store.names.add(name);
            }
          }
        }
      }
    }
    return store;
  }

  /** Every package name, sorted. */
  NavigableSet<String> names() {
    return Collections.unmodifiableNavigableSet(names);
  }

  boolean contains(String name) {
    return names.contains(name);
  }

  /** The stored versions of a package (empty when it has none), in stored order. */
  List<ObjectNode> versions(String name) throws IOException {
    Path file = file(name);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    JsonNode node;
    try {
      node = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new CorruptDataException(file + " is not valid JSON: " + e.getMessage());
    }
    if (node == null
        || node.path("format").asInt(-1) != FORMAT
        || !name.equals(node.path("name").asText())
        || !node.path("versions").isArray()) {
      throw new CorruptDataException(
          file + " is not a format " + FORMAT + " package file of " + name);
    }
    List<ObjectNode> versions = new ArrayList<>();
    for (JsonNode v : node.get("versions")) {
      if (!v.isObject()) {
        throw new CorruptDataException(file + " holds a version that is not an object");
      }
      versions.add((ObjectNode) v);
    }
    return versions;
  }

  /**
   * Replaces the versions of several packages; an empty collection deletes a package. Each file is
   * replaced atomically and all are durable on return: temps written, flushed together (one {@code
   * syncfs} for many), renamed, directories flushed.
   */
  void writeAll(Map<String, ? extends Collection<ObjectNode>> updates) throws IOException {
    Map<Path, Path> renames = new LinkedHashMap<>();
    Set<Path> directories = new LinkedHashSet<>();
    try {
      for (Map.Entry<String, ? extends Collection<ObjectNode>> e : updates.entrySet()) {
        Path file = file(e.getKey());
        directories.add(file.getParent());
        if (e.getValue().isEmpty()) {
          continue;
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("format", FORMAT);
        node.put("name", e.getKey());
        ArrayNode list = node.putArray("versions");
        e.getValue().forEach(list::add);
        Files.createDirectories(file.getParent());
        Path temp = AtomicFile.tempOf(file);
        Files.write(temp, JSON.writeValueAsBytes(node));
        renames.put(temp, file);
      }
      sync.sync(root, renames.keySet(), List.of());
    } catch (IOException | RuntimeException e) {
      for (Path temp : renames.keySet()) {
        Files.deleteIfExists(temp);
      }
      throw e;
    }
    for (Map.Entry<String, ? extends Collection<ObjectNode>> e : updates.entrySet()) {
      if (e.getValue().isEmpty()) {
        Files.deleteIfExists(file(e.getKey()));
        names.remove(e.getKey());
      }
    }
    for (Map.Entry<Path, Path> r : renames.entrySet()) {
      Files.move(
          r.getKey(),
          r.getValue(),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    }
    updates.forEach(
        (name, versions) -> {
          if (!versions.isEmpty()) {
            names.add(name);
          }
        });
    sync.sync(root, List.of(), directories);
  }

  private Path file(String name) {
    PackageName.problem(name)
        .ifPresent(
            p -> {
              throw new IllegalArgumentException(p);
            });
    int slash = name.indexOf('/');
    return root.resolve(name.substring(0, slash)).resolve(name.substring(slash + 1) + ".json");
  }
}
