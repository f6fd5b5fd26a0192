package io.metamirror.origin.composer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.origin.repository.CorruptDataException;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.TreeFile;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.JournalEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposerRepositoryTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;
  OriginRepository origin;
  ComposerRepository composer;

  @BeforeEach
  void open() throws IOException {
    origin = OriginRepository.open(data, OriginRepository.Options.defaults(), Clock.systemUTC());
    composer = ComposerRepository.open(origin);
  }

  @AfterEach
  void close() throws IOException {
    origin.close();
  }

  void reopen() throws IOException {
    origin.close();
    open();
  }

  /** The versions of {@code name} as the package store keeps them (normalized). */
  private static List<ObjectNode> stored(String name, String... versions) {
    return Stream.of(versions).map(v -> VersionDocuments.normalize(version(name, v))).toList();
  }

  static ObjectNode version(String name, String version) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("name", name);
    doc.put("version", version);
    doc.put("type", "library");
    doc.putObject("require").put("php", ">=8.1");
    doc.putObject("dist")
        .put("type", "zip")
        .put("url", "https://dist.example/" + name + "/" + version + ".zip")
        .put("reference", "0123456789abcdef0123456789abcdef01234567");
    return doc;
  }

  JsonNode file(String path) throws IOException {
    TreeFile f = origin.file(ContentPath.parse(path)).orElseThrow(() -> new AssertionError(path));
    return JSON.readTree(Files.readAllBytes(origin.blobPath(f.sha256())));
  }

  /** The expanded versions of a p2 file, as Composer sees them. */
  List<String> versionsIn(String path, String name) throws IOException {
    JsonNode packages = file(path).get("packages").get(name);
    List<ObjectNode> minified = new ArrayList<>();
    packages.forEach(v -> minified.add((ObjectNode) v));
    return Minifier.expand(minified).stream().map(v -> v.get("version").asText()).toList();
  }

  List<String> journaledPaths(List<JournalEntry> entries) {
    return entries.stream().map(e -> e.op().wire() + " " + e.path()).toList();
  }

  @Test
  void publishingVersionsWritesBothP2FilesAndARootListingThePackage() throws IOException {
    ComposerRepository.Outcome outcome =
        composer.publish(
            List.of(
                version("acme/widget", "1.0.0"),
                version("acme/widget", "v1.1.0"),
                version("acme/widget", "dev-main"),
                version("acme/widget", "2.0.0-beta1")));

    assertEquals(4, outcome.packages().get("acme/widget"));
    assertEquals(
        List.of("2.0.0-beta1", "v1.1.0", "1.0.0"),
        versionsIn("p2/acme/widget.json", "acme/widget"));
    assertEquals(List.of("dev-main"), versionsIn("p2/acme/widget~dev.json", "acme/widget"));
    JsonNode root = file("packages.json");
    assertEquals("/p2/%package%.json", root.get("metadata-url").asText());
    assertEquals("[\"acme/widget\"]", root.get("available-packages").toString());
    assertEquals(
        List.of("put p2/acme/widget.json", "put p2/acme/widget~dev.json", "put packages.json"),
        journaledPaths(outcome.published().entries()),
        "p2 files are journaled before the root that announces them");
  }

  @Test
  void aNewVersionOfAKnownPackageRepublishesOnlyThatPackagesFiles() throws IOException {
    composer.publish(List.of(version("acme/a", "1.0.0"), version("acme/b", "1.0.0")));
    ComposerRepository.Outcome outcome = composer.publish(List.of(version("acme/a", "1.1.0")));

    assertEquals(
        List.of("put p2/acme/a.json"),
        journaledPaths(outcome.published().entries()),
        "the ~dev file is unchanged and the root lists the same names");
    assertEquals(List.of("1.1.0", "1.0.0"), versionsIn("p2/acme/a.json", "acme/a"));
  }

  @Test
  void republishingAVersionReplacesIt() throws IOException {
    composer.publish(List.of(version("acme/a", "1.0.0")));
    ObjectNode changed = version("acme/a", "v1.0.0"); // same normalized version
    changed.put("description", "now described");
    composer.publish(List.of(changed));

    List<ObjectNode> stored = composer.versions("acme/a");
    assertEquals(1, stored.size());
    assertEquals("now described", stored.get(0).get("description").asText());
  }

  @Test
  void everyProblemOfEveryDocumentIsListedAndNothingIsPublished() throws IOException {
    ObjectNode badName = version("Acme/Widget!", "1.0.0");
    ObjectNode badVersion = version("acme/ok", "not a version");
    ObjectNode badRequire = version("acme/ok", "1.0.0");
    badRequire.putObject("require").put("php", 8);
    long head = origin.head();

    InvalidPackagesException e =
        assertThrows(
            InvalidPackagesException.class,
            () -> composer.publish(List.of(badName, badVersion, badRequire)));

    assertEquals(3, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).startsWith("[0] "), e.problems().toString());
    assertTrue(e.problems().get(1).startsWith("[1] "), e.problems().toString());
    assertTrue(e.problems().get(2).contains("require.php"), e.problems().toString());
    assertEquals(head, origin.head(), "nothing journaled");
    assertEquals(List.of(), composer.packageNames());
  }

  @Test
  void theSameVersionTwiceInOneRequestIsRefused() {
    InvalidPackagesException e =
        assertThrows(
            InvalidPackagesException.class,
            () -> composer.publish(List.of(version("acme/a", "1.0"), version("acme/a", "1.0.0"))));
    assertTrue(e.problems().get(0).contains("twice"), e.problems().toString());
  }

  @Test
  void deletingAVersionAndThenAPackage() throws IOException {
    composer.publish(
        List.of(version("acme/a", "1.0.0"), version("acme/a", "1.1.0"), version("acme/b", "1.0")));

    ComposerRepository.Outcome one = composer.deleteVersion("acme/a", "v1.1.0");
    assertEquals(List.of("put p2/acme/a.json"), journaledPaths(one.published().entries()));
    assertEquals(List.of("1.0.0"), versionsIn("p2/acme/a.json", "acme/a"));

    ComposerRepository.Outcome gone = composer.deletePackage("acme/a");
    assertEquals(
        List.of("put packages.json", "delete p2/acme/a.json", "delete p2/acme/a~dev.json"),
        journaledPaths(gone.published().entries()),
        "the root stops listing the package before its files go");
    assertEquals("[\"acme/b\"]", file("packages.json").get("available-packages").toString());
    assertEquals(List.of("acme/b"), composer.packageNames());

    assertThrows(PackageNotFoundException.class, () -> composer.deletePackage("acme/a"));
    assertThrows(PackageNotFoundException.class, () -> composer.deleteVersion("acme/b", "9.9"));
    assertThrows(InvalidPackagesException.class, () -> composer.deleteVersion("acme/b", "x y"));
  }

  @Test
  void deletingTheLastVersionRemovesThePackage() throws IOException {
    composer.publish(List.of(version("acme/a", "1.0.0"), version("acme/b", "1.0")));
    composer.deleteVersion("acme/a", "1.0.0");
    assertEquals(List.of("acme/b"), composer.packageNames());
    assertEquals(Optional.empty(), origin.file(ContentPath.parse("p2/acme/a.json")));
  }

  @Test
  void packagesSurviveARestartAndNewVersionsMergeWithStoredOnes() throws IOException {
    composer.publish(List.of(version("acme/a", "1.0.0")));
    reopen();
    assertEquals(List.of("acme/a"), composer.packageNames());
    composer.publish(List.of(version("acme/a", "1.1.0")));
    assertEquals(List.of("1.1.0", "1.0.0"), versionsIn("p2/acme/a.json", "acme/a"));
  }

  @Test
  void aCrashBetweenTheStoreAndThePublishIsFinishedOnOpen() throws IOException {
    composer.publish(List.of(version("acme/a", "1.0.0")));
    // What a crash leaves when it strikes after the intent and the store were written but before
    // the batch was journaled: the store is ahead of the served files.
    Path dir = data.resolve("composer");
    Files.writeString(dir.resolve("pending.json"), "{\"packages\":[\"acme/a\",\"acme/new\"]}");
    PackageStore store = PackageStore.open(dir.resolve("packages"));
    store.writeAll(
        Map.of(
            "acme/a", stored("acme/a", "1.0.0", "1.1.0"),
            "acme/new", stored("acme/new", "0.1.0")));

    reopen();

    assertEquals(List.of("1.1.0", "1.0.0"), versionsIn("p2/acme/a.json", "acme/a"));
    assertEquals(List.of("0.1.0"), versionsIn("p2/acme/new.json", "acme/new"));
    assertEquals(
        "[\"acme/a\",\"acme/new\"]", file("packages.json").get("available-packages").toString());
    assertFalse(Files.exists(dir.resolve("pending.json")), "the intent is done");
  }

  @Test
  void aTornIntentFileRegeneratesEveryPackage() throws IOException {
    composer.publish(List.of(version("acme/a", "1.0.0"), version("acme/b", "1.0.0")));
    Path dir = data.resolve("composer");
    PackageStore store = PackageStore.open(dir.resolve("packages"));
    store.writeAll(Map.of("acme/b", stored("acme/b", "1.0.0", "2.0.0")));
    Files.writeString(dir.resolve("pending.json"), "{\"packages\":[\"acme/");

    reopen();

    assertEquals(List.of("2.0.0", "1.0.0"), versionsIn("p2/acme/b.json", "acme/b"));
  }

  @Test
  void aDamagedPackageFileIsReportedByNameAndLosesNothingElse() throws IOException {
    composer.publish(List.of(version("acme/a", "1.0.0"), version("acme/b", "1.0.0")));
    Path damaged = data.resolve("composer/packages/acme/a.json");
    Files.writeString(damaged, "{\"format\":1,\"name\":\"acme/a\",\"vers");

    CorruptDataException e =
        assertThrows(
            CorruptDataException.class, () -> composer.publish(List.of(version("acme/a", "2.0"))));
    assertTrue(e.getMessage().contains(damaged.toString()), e.getMessage());
    assertEquals(List.of("1.0.0"), versionsIn("p2/acme/a.json", "acme/a"), "served file intact");
    composer.publish(List.of(version("acme/b", "1.1.0")));
    assertEquals(List.of("1.1.0", "1.0.0"), versionsIn("p2/acme/b.json", "acme/b"));
  }
}
