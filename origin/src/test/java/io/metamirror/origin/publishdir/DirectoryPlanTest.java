package io.metamirror.origin.publishdir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.origin.publishdir.DirectoryPlan.InvalidSourceException;
import io.metamirror.origin.publishdir.DirectoryPlan.Put;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planning is pure: a source directory and the origin's tree (path → sha256) in, the fewest changes
 * out, in an order that never shows a mirror an index before what it references.
 */
class DirectoryPlanTest {
  @TempDir Path temp;
  Path src;

  @BeforeEach
  void createSource() throws IOException {
    src = Files.createDirectory(temp.resolve("src"));
  }

  private Path write(String relative, String content) throws IOException {
    Path file = src.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static Sha256 sha(String content) {
    return Sha256.of(content.getBytes(StandardCharsets.UTF_8));
  }

  private static ContentPath path(String value) {
    return ContentPath.parse(value);
  }

  private static List<String> paths(List<Put> puts) {
    return puts.stream().map(p -> p.path().value()).toList();
  }

  private DirectoryPlan plan(Map<ContentPath, Sha256> current) throws IOException {
    return DirectoryPlan.of(src, current, DirectoryPlan.DEFAULT_INDEX_GLOBS);
  }

  @Test
  void againstAnEmptyTreeEveryFileIsAPut() throws IOException {
    write("p2/acme/widget.json", "{\"w\":1}");
    write("p2/acme/gadget.json", "{\"g\":1}");
    write("packages.json", "{}");

    DirectoryPlan plan = plan(Map.of());

    assertEquals(List.of("p2/acme/gadget.json", "p2/acme/widget.json"), paths(plan.files()));
    assertEquals(List.of("packages.json"), paths(plan.indexes()));
    assertEquals(List.of(), plan.deletes());
    assertEquals(0, plan.unchanged());
    assertEquals(3, plan.changes());
  }

  @Test
  void aPutCarriesTheFilesSha256AndSize() throws IOException {
    Path file = write("p2/acme/widget.json", "{\"w\":1}");

    Put put = plan(Map.of()).files().get(0);

    assertEquals(path("p2/acme/widget.json"), put.path());
    assertEquals(sha("{\"w\":1}"), put.sha256());
    assertEquals(7, put.size());
    assertEquals(file.toRealPath(), put.file().toRealPath());
  }

  @Test
  void filesTheTreeAlreadyHoldsAreCountedAsUnchangedAndNotPlanned() throws IOException {
    write("a.json", "same");
    write("packages.json", "{}");

    DirectoryPlan plan =
        plan(Map.of(path("a.json"), sha("same"), path("packages.json"), sha("{}")));

    assertTrue(plan.isEmpty(), plan.toString());
    assertEquals(2, plan.unchanged());
    assertEquals(0, plan.changes());
  }

  @Test
  void aChangedFileIsTheOnlyPut() throws IOException {
    write("a.json", "new");
    write("b.json", "same");

    DirectoryPlan plan = plan(Map.of(path("a.json"), sha("old"), path("b.json"), sha("same")));

    assertEquals(List.of("a.json"), paths(plan.puts()));
    assertEquals(1, plan.unchanged());
    assertEquals(1, plan.changes());
  }

  @Test
  void pathsTheTreeHasAndTheDirectoryLacksAreDeletes() throws IOException {
    write("kept.json", "k");

    DirectoryPlan plan =
        plan(
            Map.of(
                path("kept.json"), sha("k"),
                path("p2/gone.json"), sha("g"),
                path("a/also-gone.json"), sha("a")));

    assertEquals(List.of(path("a/also-gone.json"), path("p2/gone.json")), plan.deletes());
    assertEquals(List.of(), plan.puts());
    assertEquals(1, plan.unchanged());
  }

  @Test
  void indexFilesComeAfterPlainFilesDeepestFirst() throws IOException {
    write("packages.json", "{}");
    write("simple/index.html", "<a href=acme/>acme</a>");
    write("simple/acme/index.html", "<a href=acme-1.0.tar.gz>");
    write("simple/acme/acme-1.0.tar.gz.metadata", "Name: acme");
    write("p2/acme/widget.json", "{}");

    DirectoryPlan plan = plan(Map.of());

    assertEquals(
        List.of("p2/acme/widget.json", "simple/acme/acme-1.0.tar.gz.metadata"),
        paths(plan.files()));
    assertEquals(
        List.of("simple/acme/index.html", "simple/index.html", "packages.json"),
        paths(plan.indexes()));
    assertEquals(
        List.of(
            "p2/acme/widget.json",
            "simple/acme/acme-1.0.tar.gz.metadata",
            "simple/acme/index.html",
            "simple/index.html",
            "packages.json"),
        paths(plan.puts()));
  }

  @Test
  void aPep691JsonIndexComesAfterTheWheelItNames() throws IOException {
    write("simple/demo-pkg/index.json", "{\"files\":[{\"url\":\"../../packages/x.whl\"}]}");
    write("simple/demo-pkg/index.html", "<a href=../../packages/x.whl>x</a>");
    write("packages/x.whl", "wheel");

    DirectoryPlan plan = plan(Map.of());

    assertEquals(List.of("packages/x.whl"), paths(plan.files()));
    assertEquals(
        List.of("simple/demo-pkg/index.html", "simple/demo-pkg/index.json"), paths(plan.indexes()));
  }

  @Test
  void defaultGlobsRecogniseAptAndYumIndexes() throws IOException {
    write("dists/stable/Release", "r");
    write("dists/stable/InRelease", "r");
    write("dists/stable/main/binary-amd64/Packages", "p");
    write("dists/stable/main/binary-amd64/Packages.gz", "p");
    write("repodata/repomd.xml", "x");
    write("pool/main/a/acme.deb.info", "d");

    DirectoryPlan plan = plan(Map.of());

    assertEquals(List.of("pool/main/a/acme.deb.info"), paths(plan.files()));
    assertEquals(5, plan.indexes().size(), paths(plan.indexes()).toString());
  }

  @Test
  void aCustomGlobListReplacesTheDefaults() throws IOException {
    write("packages.json", "{}");
    write("catalog/all.idx", "i");
    write("catalog/deep/more.idx", "i2");
    write("data/x.json", "x");

    DirectoryPlan plan = DirectoryPlan.of(src, Map.of(), List.of("**/*.idx"));

    assertEquals(List.of("catalog/deep/more.idx", "catalog/all.idx"), paths(plan.indexes()));
    assertEquals(List.of("data/x.json", "packages.json"), paths(plan.files()));
  }

  @Test
  void aMalformedGlobIsRefusedOnOneLineNamingIt() throws IOException {
    write("packages.json", "{}");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DirectoryPlan.of(src, Map.of(), List.of("packages.json", "simple/[x")));

    assertTrue(e.getMessage().startsWith("not a valid glob: simple/[x"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  @Test
  void dotNamedFilesAndDirectoriesAreSkippedAndCounted() throws IOException {
    write(".git/config", "[core]");
    write(".git/objects/ab/cdef", "blob");
    write(".htaccess", "Deny from all");
    write("p2/.DS_Store", "junk");
    write("packages.json", "{}");

    DirectoryPlan plan = plan(Map.of());

    assertEquals(List.of("packages.json"), paths(plan.puts()));
    // .git (one directory, not looked into), .htaccess and p2/.DS_Store
    assertEquals(3, plan.skipped());
  }

  @Test
  void aDotNamedPathInTheTreeIsNeverPlannedForDeletionByTheSkip() throws IOException {
    // The skip must not turn into deletes: only tree paths missing from SRC are deleted.
    write(".htaccess", "x");
    write("a.json", "a");

    DirectoryPlan plan = plan(Map.of(path("a.json"), sha("a")));

    assertTrue(plan.isEmpty(), plan.toString());
    assertEquals(1, plan.skipped());
  }

  @Test
  void aFileNameWithABackslashFailsPlanningNamingTheRule() throws IOException {
    write("packages.json", "{}");
    write("p2/acme\\widget.json", "{}");

    InvalidSourceException e = assertThrows(InvalidSourceException.class, () -> plan(Map.of()));

    assertTrue(e.getMessage().contains("backslash"), e.getMessage());
    assertTrue(e.getMessage().contains("p2/acme\\widget.json"), e.getMessage());
    assertTrue(e.getMessage().startsWith("1 file name(s)"), e.getMessage());
  }

  @Test
  void aFileNameWithAControlCharacterFailsPlanningWithTheCharacterEscaped() throws IOException {
    write("bad\u0001name.json", "{}");

    InvalidSourceException e = assertThrows(InvalidSourceException.class, () -> plan(Map.of()));

    assertTrue(e.getMessage().contains("control characters"), e.getMessage());
    assertTrue(e.getMessage().contains("bad\\u0001name.json"), e.getMessage());
    assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20), "message is printable");
  }

  @Test
  void everyBrokenNameIsReportedAtOnce() throws IOException {
    write("one\\x", "1");
    write("two\u0002y", "2");

    InvalidSourceException e = assertThrows(InvalidSourceException.class, () -> plan(Map.of()));

    assertTrue(e.getMessage().startsWith("2 file name(s)"), e.getMessage());
    assertTrue(e.getMessage().contains("backslash"), e.getMessage());
    assertTrue(e.getMessage().contains("control characters"), e.getMessage());
  }

  @Test
  void aSymlinkToAFileInsideTheSourceIsPlannedWithTheTargetsContent() throws IOException {
    write("p2/acme/widget-2.0.json", "{\"v\":\"2.0\"}");
    Path link = src.resolve("p2/acme/widget-latest.json");
    Files.createSymbolicLink(link, Path.of("widget-2.0.json"));

    DirectoryPlan plan = plan(Map.of());

    assertEquals(
        List.of("p2/acme/widget-2.0.json", "p2/acme/widget-latest.json"), paths(plan.files()));
    Put linked = plan.files().get(1);
    assertEquals(sha("{\"v\":\"2.0\"}"), linked.sha256());
    assertEquals(0, plan.skipped());
  }

  @Test
  void aSymlinkPointingOutsideTheSourceIsSkipped() throws IOException {
    Path secret = Files.writeString(temp.resolve("secret.txt"), "do not publish");
    write("packages.json", "{}");
    Files.createSymbolicLink(src.resolve("leak.txt"), secret);
    Files.createSymbolicLink(src.resolve("up.txt"), Path.of("../secret.txt"));

    DirectoryPlan plan = plan(Map.of());

    assertEquals(List.of("packages.json"), paths(plan.puts()));
    assertEquals(2, plan.skipped());
  }

  @Test
  void aSymlinkToADirectoryIsSkipped() throws IOException {
    write("p2/acme/widget.json", "{}");
    Files.createSymbolicLink(src.resolve("p2-alias"), Path.of("p2"));

    DirectoryPlan plan = plan(Map.of());

    assertEquals(List.of("p2/acme/widget.json"), paths(plan.puts()));
    assertEquals(1, plan.skipped());
  }

  @Test
  void aSourceThatIsNotADirectoryIsRefused() throws IOException {
    Path file = Files.writeString(temp.resolve("file.txt"), "x");

    IOException e =
        assertThrows(
            IOException.class,
            () -> DirectoryPlan.of(file, new HashMap<>(), DirectoryPlan.DEFAULT_INDEX_GLOBS));

    assertEquals("not a directory: " + file, e.getMessage());
  }
}
