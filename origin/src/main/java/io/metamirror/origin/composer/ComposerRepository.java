package io.metamirror.origin.composer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.origin.repository.Change;
import io.metamirror.origin.repository.CorruptDataException;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.PublishResult;
import io.metamirror.protocol.AtomicFile;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.UntrustedJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin as a Composer v2 repository: keeps every package's versions in a {@link PackageStore}
 * under {@code <data>/composer/} and publishes what Composer reads — {@code
 * p2/<vendor>/<name>.json}, {@code p2/<vendor>/<name>~dev.json} and {@code packages.json} — through
 * the origin's journal, so mirrors replicate them like any other file.
 *
 * <p>A change to one package republishes only that package's two files, plus {@code packages.json}
 * when the set of package names changed, in one batch with the p2 files before the root (deletes of
 * p2 files come last, after the root stopped listing them).
 *
 * <p>Crash safety: before the package store changes, the names being changed are written to {@code
 * composer/pending.json}; it is removed once the batch is journaled. On open, and before every
 * operation, pending packages are regenerated from the store and republished (a republish of
 * unchanged content journals nothing), so the served files always catch up with the store.
 */
public final class ComposerRepository {
  private static final Logger log = LoggerFactory.getLogger(ComposerRepository.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final ContentPath ROOT = ContentPath.parse("packages.json");

  private final OriginRepository origin;
  private final PackageStore store;
  private final Path pendingFile;
  private final SortedSet<String> pending = new TreeSet<>();

  private ComposerRepository(OriginRepository origin, PackageStore store, Path pendingFile) {
    this.origin = origin;
    this.store = store;
    this.pendingFile = pendingFile;
  }

  /** Opens the Composer store of an origin, finishing whatever a crash interrupted. */
  public static ComposerRepository open(OriginRepository origin) throws IOException {
    Path dir = origin.dataDir().resolve("composer");
    PackageStore store = PackageStore.open(dir.resolve("packages"));
    ComposerRepository repo = new ComposerRepository(origin, store, dir.resolve("pending.json"));
    repo.readPending();
    if (!repo.pending.isEmpty()) {
      log.info("event=composer_recovering packages={}", repo.pending.size());
      repo.regenerate(new TreeMap<>(), true);
    }
    return repo;
  }

  /** What an operation changed: the origin's answer and each touched package's version count. */
  public record Outcome(PublishResult published, SortedMap<String, Integer> packages) {}

  /**
   * Adds or replaces versions (matched by package name and normalized version). All documents are
   * validated first, outside the lock, so a hostile request never holds up other publishes; one
   * invalid document rejects the whole request and changes nothing.
   *
   * @throws InvalidPackagesException listing every problem of every document
   */
  public Outcome publish(List<? extends JsonNode> documents) throws IOException {
    Map<String, Map<String, ObjectNode>> byPackage = validated(documents);
    synchronized (this) {
      Map<String, List<ObjectNode>> updated = new TreeMap<>();
      for (Map.Entry<String, Map<String, ObjectNode>> e : byPackage.entrySet()) {
        Map<String, ObjectNode> merged = new LinkedHashMap<>();
        for (ObjectNode v : store.versions(e.getKey())) {
          merged.put(v.get("version_normalized").asText(), v);
        }
        merged.putAll(e.getValue());
        updated.put(e.getKey(), new ArrayList<>(merged.values()));
      }
      return regenerate(updated, false);
    }
  }

  /** The normalized documents by package and normalized version. */
  private static Map<String, Map<String, ObjectNode>> validated(
      List<? extends JsonNode> documents) {
    List<String> problems = new ArrayList<>();
    Map<String, Map<String, ObjectNode>> byPackage = new TreeMap<>();
    for (int i = 0; i < documents.size(); i++) {
      if (problems.size() >= UntrustedJson.MAX_PROBLEMS) {
        problems.add("stopped checking after " + UntrustedJson.MAX_PROBLEMS + " problems");
        break;
      }
      JsonNode doc = documents.get(i);
      String label = "[" + i + "]";
      List<String> own = VersionDocuments.problems(doc);
      if (!own.isEmpty()) {
        own.forEach(p -> problems.add(label + " " + p));
        continue;
      }
      ObjectNode normalized = VersionDocuments.normalize((ObjectNode) doc);
      String name = normalized.get("name").asText();
      String version = normalized.get("version_normalized").asText();
      ObjectNode earlier =
          byPackage.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(version, normalized);
      if (earlier != null) {
        problems.add(
            label
                + " "
                + name
                + " "
                + doc.get("version").asText()
                + " appears twice in the request");
      }
    }
    if (documents.isEmpty()) {
      problems.add("no versions given");
    }
    if (!problems.isEmpty()) {
      throw new InvalidPackagesException(problems);
    }
    return byPackage;
  }

  /**
   * Removes a package: its p2 files are deleted and {@code packages.json} stops listing it.
   *
   * @throws PackageNotFoundException when the origin has no such package
   */
  public synchronized Outcome deletePackage(String name) throws IOException {
    requireKnown(name);
    Map<String, List<ObjectNode>> updated = new TreeMap<>();
    updated.put(name, List.of());
    return regenerate(updated, false);
  }

  /**
   * Removes one version; removing the last version removes the package.
   *
   * @throws PackageNotFoundException when the package or the version does not exist
   * @throws InvalidPackagesException when {@code version} is not a version string
   */
  public synchronized Outcome deleteVersion(String name, String version) throws IOException {
    requireKnown(name);
    String normalized;
    try {
      normalized = VersionParser.normalize(version);
    } catch (IllegalArgumentException e) {
      throw new InvalidPackagesException(List.of(e.getMessage()));
    }
    List<ObjectNode> remaining = new ArrayList<>();
    boolean found = false;
    for (ObjectNode v : store.versions(name)) {
      if (v.get("version_normalized").asText().equals(normalized)) {
        found = true;
      } else {
        remaining.add(v);
      }
    }
    if (!found) {
      throw new PackageNotFoundException(name + " has no version " + version);
    }
    Map<String, List<ObjectNode>> updated = new TreeMap<>();
    updated.put(name, remaining);
    return regenerate(updated, false);
  }

  /** Every package name, sorted. */
  public synchronized List<String> packageNames() {
    return List.copyOf(store.names());
  }

  /** The stored (normalized, expanded) versions of one package; empty when unknown. */
  public synchronized List<ObjectNode> versions(String name) throws IOException {
    return PackageName.problem(name).isPresent() ? List.of() : store.versions(name);
  }

  private void requireKnown(String name) {
    PackageName.problem(name)
        .ifPresent(
            p -> {
              throw new InvalidPackagesException(List.of(p));
            });
    if (!store.contains(name)) {
      throw new PackageNotFoundException("no package " + name);
    }
  }

  /**
   * Writes {@code updated} to the store, then publishes the files of those packages and of any
   * pending ones, with the root when the set of names changed (or {@code forceRoot}).
   */
  private Outcome regenerate(Map<String, List<ObjectNode>> updated, boolean forceRoot)
      throws IOException {
    long t0 = System.nanoTime();
    // Leftovers of a failed operation may have changed the names already: republish the root then.
    boolean rootChanged = forceRoot || !pending.isEmpty();
    for (Map.Entry<String, List<ObjectNode>> e : updated.entrySet()) {
      rootChanged |= store.contains(e.getKey()) == e.getValue().isEmpty();
    }
    if (!updated.isEmpty()) {
      pending.addAll(updated.keySet());
      writePending();
      store.writeAll(updated);
    }
    rootChanged |= origin.file(ROOT).isEmpty() && !store.names().isEmpty();
    long t1 = System.nanoTime();
    List<Change> puts = new ArrayList<>();
    List<Change> deletes = new ArrayList<>();
    SortedMap<String, Integer> counts = new TreeMap<>();
    try {
      for (String name : pending) {
        List<ObjectNode> versions =
            updated.containsKey(name) ? updated.get(name) : store.versions(name);
        counts.put(name, versions.size());
        ContentPath stable = ContentPath.parse(MetadataGenerator.stablePath(name));
        ContentPath dev = ContentPath.parse(MetadataGenerator.devPath(name));
        if (versions.isEmpty()) {
          deletes.add(Change.delete(stable));
          deletes.add(Change.delete(dev));
          continue;
        }
        PackageFiles files = MetadataGenerator.fromNormalized(name, versions);
        puts.add(Change.put(stable, origin.stage(files.stable())));
        puts.add(Change.put(dev, origin.stage(files.dev())));
      }
      if (rootChanged) {
        puts.add(Change.put(ROOT, origin.stage(MetadataGenerator.rootFile(store.names()))));
      }
    } catch (IOException | RuntimeException e) {
      origin.discard(puts);
      throw e;
    }
    long t2 = System.nanoTime();
    List<Change> batch = new ArrayList<>(puts);
    batch.addAll(deletes);
    PublishResult result = origin.publish(batch);
    pending.clear();
    Files.deleteIfExists(pendingFile);
    long t3 = System.nanoTime();
    log.info(
        "event=composer_published packages={} root={} entries={} head={} store_ms={} generate_ms={}"
            + " publish_ms={}",
        counts.size(),
        rootChanged,
        result.entries().size(),
        result.head(),
        (t1 - t0) / 1_000_000,
        (t2 - t1) / 1_000_000,
        (t3 - t2) / 1_000_000);
    return new Outcome(result, counts);
  }

  private void readPending() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(pendingFile);
    } catch (NoSuchFileException e) {
      return;
    }
    JsonNode node;
    try {
      node = JSON.readTree(bytes);
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.path("packages").isArray()) {
      // A torn write of the intent: the store itself is intact, so regenerate everything.
      log.warn("event=composer_pending_unreadable file={} action=regenerate_all", pendingFile);
      pending.addAll(store.names());
      return;
    }
    for (JsonNode n : node.get("packages")) {
      String name = n.asText();
      if (PackageName.problem(name).isPresent()) {
        throw new CorruptDataException(pendingFile + " names an invalid package: " + name);
      }
      pending.add(name);
    }
  }

  private void writePending() throws IOException {
    ObjectNode node = JSON.createObjectNode();
    ArrayNode list = node.putArray("packages");
    pending.forEach(list::add);
    AtomicFile.at(pendingFile).write(JSON.writeValueAsBytes(node));
  }
}
