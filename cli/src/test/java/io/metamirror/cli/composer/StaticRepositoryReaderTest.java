package io.metamirror.cli.composer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticRepositoryReaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void minifiedP2RepositoryIsExpandedAndUnsetKeysAreGone() throws Exception {
    Path repo = tmp.resolve("repo");
    write(
        repo,
        "packages.json",
        """
        {"packages": [], "metadata-url": "/p2/%package%.json", "available-packages": ["acme/foo"]}
        """);
    write(
        repo,
        "p2/acme/foo.json",
        """
        {"minified": "composer/2.0", "security-advisories": [], "packages": {"acme/foo": [
          {"name": "acme/foo", "description": "Foo", "version": "2.0.0",
           "version_normalized": "2.0.0.0", "license": ["MIT"], "require": {"php": ">=8.1"},
           "dist": {"type": "zip", "url": "https://dl.example/foo-2.0.0.zip", "reference": "b2"},
           "time": "2024-02-01T00:00:00+00:00"},
          {"version": "1.1.0", "version_normalized": "1.1.0.0", "require": {"php": ">=7.4"},
           "dist": {"type": "zip", "url": "https://dl.example/foo-1.1.0.zip", "reference": "a11"},
           "time": "2024-01-15T00:00:00+00:00"},
          {"version": "1.0.0", "version_normalized": "1.0.0.0", "license": "__unset",
           "require": "__unset",
           "dist": {"type": "zip", "url": "https://dl.example/foo-1.0.0.zip", "reference": "a10"},
           "time": "2024-01-01T00:00:00+00:00"}
        ]}}
        """);
    write(
        repo,
        "p2/acme/foo~dev.json",
        """
        {"minified": "composer/2.0", "packages": {"acme/foo": [
          {"name": "acme/foo", "description": "Foo", "version": "dev-main",
           "version_normalized": "dev-main",
           "source": {"type": "git", "url": "https://git.example/foo.git", "reference": "c0"},
           "time": "2024-03-01T00:00:00+00:00"}
        ]}}
        """);

    ScanResult result = StaticRepositoryReader.read(repo);

    assertEquals(List.of(), result.warnings());
    assertEquals(
        List.of(
            json(
                """
                {"name": "acme/foo", "description": "Foo", "version": "2.0.0", "license": ["MIT"],
                 "require": {"php": ">=8.1"},
                 "dist": {"type": "zip", "url": "https://dl.example/foo-2.0.0.zip", "reference": "b2"},
                 "time": "2024-02-01T00:00:00+00:00"}"""),
            json(
                """
                {"name": "acme/foo", "description": "Foo", "version": "1.1.0", "license": ["MIT"],
                 "require": {"php": ">=7.4"},
                 "dist": {"type": "zip", "url": "https://dl.example/foo-1.1.0.zip", "reference": "a11"},
                 "time": "2024-01-15T00:00:00+00:00"}"""),
            json(
                """
                {"name": "acme/foo", "description": "Foo", "version": "1.0.0",
                 "dist": {"type": "zip", "url": "https://dl.example/foo-1.0.0.zip", "reference": "a10"},
                 "time": "2024-01-01T00:00:00+00:00"}"""),
            json(
                """
                {"name": "acme/foo", "description": "Foo", "version": "dev-main",
                 "source": {"type": "git", "url": "https://git.example/foo.git", "reference": "c0"},
                 "time": "2024-03-01T00:00:00+00:00"}""")),
        result.documents());
  }

  @Test
  void unminifiedP2FileIsReadAsItIs() throws Exception {
    Path repo = tmp.resolve("repo");
    write(
        repo,
        "p2/acme/bar.json",
        """
        {"packages": {"acme/bar": [
          {"name": "acme/bar", "version": "1.1.0", "version_normalized": "1.1.0.0",
           "license": ["MIT"]},
          {"name": "acme/bar", "version": "1.0.0", "version_normalized": "1.0.0.0"}
        ]}}
        """);

    ScanResult result = StaticRepositoryReader.read(repo);

    assertEquals(List.of(), result.warnings());
    assertEquals(
        List.of(
            json("{\"name\": \"acme/bar\", \"version\": \"1.1.0\", \"license\": [\"MIT\"]}"),
            json("{\"name\": \"acme/bar\", \"version\": \"1.0.0\"}")),
        result.documents());
  }

  @Test
  void satisIncludesAndInlinePackagesAreReadAndCopiesInP2CountOnce() throws Exception {
    Path repo = tmp.resolve("satis");
    String include =
        """
        {"packages": {"acme/bar": {
          "1.0.0": {"name": "acme/bar", "version": "1.0.0", "version_normalized": "1.0.0.0",
                    "dist": {"type": "zip", "url": "https://dl.example/bar-1.0.0.zip",
                             "reference": "r1"}},
          "dev-main": {"name": "acme/bar", "version": "dev-main",
                       "version_normalized": "dev-main",
                       "source": {"type": "git", "url": "https://git.example/bar.git",
                                  "reference": "r2"}}
        }}}
        """;
    String sha1 = sha1(include);
    write(repo, "include/all$" + sha1 + ".json", include);
    write(
        repo,
        "packages.json",
        """
        {"packages": {"acme/inline": {"2.0.0": {"name": "acme/inline", "version": "2.0.0"}}},
         "includes": {"include/all$%s.json": {"sha1": "%s"}},
         "metadata-url": "/p2/%%package%%.json", "available-packages": ["acme/bar"]}
        """
            .formatted(sha1, sha1));
    // Satis writes the same versions again as p2 files.
    write(
        repo,
        "p2/acme/bar.json",
        """
        {"minified": "composer/2.0", "packages": {"acme/bar": [
          {"name": "acme/bar", "version": "1.0.0", "version_normalized": "1.0.0.0",
           "dist": {"type": "zip", "url": "https://dl.example/bar-1.0.0.zip", "reference": "r1"}}
        ]}}
        """);

    ScanResult result = StaticRepositoryReader.read(repo);

    assertEquals(List.of(), result.warnings());
    assertEquals(
        List.of("acme/bar 1.0.0", "acme/bar dev-main", "acme/inline 2.0.0"), versions(result));
    assertEquals("r2", result.documents().get(1).at("/source/reference").asText());
    assertTrue(result.documents().stream().noneMatch(d -> d.has("version_normalized")));
  }

  @Test
  void includeWithAStaleSha1IsReadWithAWarning() throws Exception {
    Path repo = tmp.resolve("satis");
    write(
        repo,
        "include/all$0000.json",
        "{\"packages\": {\"acme/bar\": {\"1.0.0\": {\"name\": \"acme/bar\", \"version\": \"1.0.0\"}}}}");
    write(
        repo,
        "packages.json",
        "{\"packages\": [], \"includes\": {\"include/all$0000.json\": {\"sha1\": \"0000\"}}}");

    ScanResult result = StaticRepositoryReader.read(repo);

    assertEquals(List.of("acme/bar 1.0.0"), versions(result));
    assertEquals(
        List.of("include/all$0000.json: sha1 differs from the one packages.json names"),
        result.warnings());
  }

  @Test
  void versionThatDiffersBetweenTwoFilesKeepsTheP2CopyAndSaysSo() throws Exception {
    Path repo = tmp.resolve("repo");
    write(
        repo,
        "packages.json",
        """
        {"packages": {"acme/bar": {"1.0.0": {"name": "acme/bar", "version": "1.0.0",
                                              "description": "old"}}}}
        """);
    write(
        repo,
        "p2/acme/bar.json",
        """
        {"packages": {"acme/bar": [{"name": "acme/bar", "version": "1.0.0", "description": "new"}]}}
        """);

    ScanResult result = StaticRepositoryReader.read(repo);

    assertEquals("new", result.documents().get(0).get("description").asText());
    assertEquals(1, result.documents().size());
    assertEquals(
        List.of(
            "packages.json: acme/bar 1.0.0 differs from the copy in p2/acme/bar.json, which is kept"),
        result.warnings());
  }

  @Test
  void composerJsonTreeReadsVersionedFilesAndSkipsVendorAndDotDirectories() throws Exception {
    Path tree = tmp.resolve("tree");
    write(
        tree,
        "foo/composer.json",
        "{\"name\": \"acme/foo\", \"version\": \"1.0.0\", \"version_normalized\": \"1.0.0.0\"}");
    write(tree, "libs/bar/composer.json", "{\"name\": \"acme/bar\", \"version\": \"2.0.0\"}");
    write(tree, "libs/baz/composer.json", "{\"name\": \"acme/baz\", \"type\": \"library\"}");
    write(tree, "libs/qux/composer.json", "{\"name\": \"acme/qux\", \"version\": ");
    write(tree, "vendor/x/y/composer.json", "{\"name\": \"x/y\", \"version\": \"1.0.0\"}");
    write(tree, "foo/vendor/z/composer.json", "{\"name\": \"x/z\", \"version\": \"1.0.0\"}");
    write(tree, ".git/composer.json", "{\"name\": \"x/git\", \"version\": \"1.0.0\"}");
    write(tree, "foo/README.md", "not metadata");

    ScanResult result = StaticRepositoryReader.read(tree);

    assertEquals(List.of("acme/bar 2.0.0", "acme/foo 1.0.0"), versions(result));
    assertEquals(
        json("{\"name\": \"acme/foo\", \"version\": \"1.0.0\"}"), result.documents().get(1));
    assertEquals(2, result.warnings().size(), result.warnings().toString());
    assertEquals("libs/baz/composer.json: no version, not read", result.warnings().get(0));
    assertTrue(
        result.warnings().get(1).startsWith("libs/qux/composer.json: not valid JSON ("),
        result.warnings().get(1));
  }

  @Test
  void malformedRepositoryFilesAreEachNamedAndTheRestIsRead() throws Exception {
    Path repo = tmp.resolve("repo");
    Path outside = write(tmp, "outside/evil.json", p2("acme/evil", "1.0.0"));
    write(
        repo,
        "packages.json",
        """
        {"packages": [], "includes": {"../outside/evil.json": {"sha1": "x"}},
         "available-packages": ["acme/good", "acme/missing"]}
        """);
    write(repo, "p2/README.md", "p2 files live here");
    write(repo, "p2/acme/broken.json", "{\"packages\": {\"acme/broken\": [");
    Files.createSymbolicLink(repo.resolve("p2/acme/evil.json"), outside);
    write(repo, "p2/acme/foo.json", p2("acme/other", "1.0.0"));
    write(repo, "p2/acme/good.json", p2("acme/good", "1.0.0"));
    write(
        repo,
        "p2/acme/mixed.json",
        "{\"packages\": {\"acme/mixed\": [\"1.0.0\", {\"version\": \"1.1.0\"},"
            + " {\"name\": \"acme/else\", \"version\": \"1.2.0\"}]}}");
    write(
        repo,
        "p2/acme/weird.json",
        "{\"minified\": \"composer/9.0\", \"packages\": {\"acme/weird\": []}}");

    ScanResult result = StaticRepositoryReader.read(repo);

    assertEquals(List.of("acme/good 1.0.0", "acme/mixed 1.1.0"), versions(result));
    List<String> warnings = result.warnings();
    assertEquals(10, warnings.size(), String.join("\n", warnings));
    assertEquals("p2/README.md: not a p2/<vendor>/<name>.json file, not read", warnings.get(0));
    assertTrue(
        warnings.get(1).startsWith("p2/acme/broken.json: not valid JSON ("), warnings.get(1));
    assertEquals(
        "p2/acme/evil.json: symlink leads outside the directory, not read", warnings.get(2));
    assertEquals(
        "p2/acme/foo.json: holds acme/other too, not read (a p2 file holds one package)",
        warnings.get(3));
    assertEquals("p2/acme/foo.json: packages lacks acme/foo", warnings.get(4));
    assertEquals("p2/acme/mixed.json: entry 0 of acme/mixed is not an object", warnings.get(5));
    assertEquals(
        "p2/acme/mixed.json: acme/mixed 1.2.0 names \"acme/else\", not read", warnings.get(6));
    assertEquals(
        "p2/acme/weird.json: unknown minified format \"composer/9.0\", not read", warnings.get(7));
    assertEquals(
        "packages.json: include ../outside/evil.json lies outside the directory, not read",
        warnings.get(8));
    assertEquals(
        "packages.json: available-packages lists acme/missing but there is no"
            + " p2/acme/missing.json or ~dev.json",
        warnings.get(9));
  }

  @Test
  void versionBreakingComposerRulesIsNamedWithItsFileAndTheOthersAreKept() throws Exception {
    Path repo = tmp.resolve("repo");
    write(
        repo,
        "p2/acme/foo.json",
        """
        {"packages": {"acme/foo": [
          {"name": "acme/foo", "version": "1.1.0", "require": {"php": 8}},
          {"name": "acme/foo", "version": "not a version"},
          {"name": "acme/foo", "version": "1.0.0"}
        ]}}
        """);
    write(repo, "p2/acme/up.json", p2("Acme/Up", "1.0.0"));

    ScanResult result = StaticRepositoryReader.read(repo);

    assertEquals(List.of("acme/foo 1.0.0"), versions(result));
    List<String> warnings = result.warnings();
    assertEquals(4, warnings.size(), String.join("\n", warnings));
    assertTrue(
        warnings.get(0).startsWith("p2/acme/foo.json: acme/foo 1.1.0: ")
            && warnings.get(0).contains("require.php"),
        warnings.get(0));
    assertTrue(
        warnings.get(1).startsWith("p2/acme/foo.json: acme/foo not a version: ")
            && warnings.get(1).contains("invalid version string"),
        warnings.get(1));
    assertEquals(
        "p2/acme/up.json: holds Acme/Up too, not read (a p2 file holds one package)",
        warnings.get(2));
    assertEquals("p2/acme/up.json: packages lacks acme/up", warnings.get(3));
  }

  @Test
  void treeSymlinksLeadingOutsideAreNamedAndNotFollowed() throws Exception {
    Path tree = tmp.resolve("tree");
    Path outsideFile =
        write(tmp, "outside/pkg/composer.json", "{\"name\": \"x/out\", \"version\": \"1.0.0\"}");
    write(tree, "ok/composer.json", "{\"name\": \"acme/ok\", \"version\": \"1.0.0\"}");
    Files.createDirectories(tree.resolve("linked"));
    Files.createSymbolicLink(tree.resolve("linked/composer.json"), outsideFile);
    Files.createSymbolicLink(tree.resolve("elsewhere"), outsideFile.getParent());
    Files.createSymbolicLink(tree.resolve("again"), tree.resolve("ok"));

    ScanResult result = StaticRepositoryReader.read(tree);

    assertEquals(List.of("acme/ok 1.0.0"), versions(result));
    assertEquals(
        List.of(
            "elsewhere: symlink leads outside the directory, not read",
            "linked/composer.json: symlink leads outside the directory, not read"),
        result.warnings());
  }

  @Test
  void missingDirectoryFailsWithItsName() {
    Path missing = tmp.resolve("missing");
    IOException e = assertThrows(IOException.class, () -> StaticRepositoryReader.read(missing));
    assertEquals("not a directory: " + missing, e.getMessage());
  }

  private static String p2(String name, String version) {
    return "{\"packages\": {\"%s\": [{\"name\": \"%s\", \"version\": \"%s\"}]}}"
        .formatted(name, name, version);
  }

  private static List<String> versions(ScanResult result) {
    return result.documents().stream()
        .map(d -> d.get("name").asText() + " " + d.get("version").asText())
        .toList();
  }

  private static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  private static Path write(Path dir, String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static String sha1(String content) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-1").digest(content.getBytes(StandardCharsets.UTF_8)));
  }
}
