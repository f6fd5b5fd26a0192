package io.metamirror.cli.composer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitScannerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  /**
   * The 20 version tags, in commit order; v1.3.0 gets a broken composer.json, v2.0.0 is annotated.
   */
  private static final List<String> TAGS =
      List.of(
          ("v1.0.0 v1.0.1 v1.0.2 v1.1.0 v1.1.1 v1.2.0 v1.2.1 v1.3.0 1.4.0 1.4.1 v2.0.0-alpha1"
                  + " v2.0.0-beta1 v2.0.0-RC1 v2.0.0 v2.0.1 v2.1.0 v2.1.1 v2.2.0 v3.0.0 v3.0.1")
              .split(" "));

  @TempDir Path tmp;

  /** What a scan must report for one ref: version, commit, author time. */
  private record Expected(String version, String reference, String time) {}

  /**
   * Builds the repository the main tests scan and returns what each good ref must yield, in the
   * scanner's order: tags by name, then branches by name.
   */
  private List<Expected> buildRepository(Path dir) throws Exception {
    Map<String, Expected> tags = new TreeMap<>();
    Map<String, Expected> branches = new TreeMap<>();
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      for (int i = 0; i < TAGS.size(); i++) {
        String tag = TAGS.get(i);
        String composerJson =
            tag.equals("v1.3.0")
                ? "{\"name\": \"acme/foo\", \"description\": \"truncated"
                : composerJson("acme/foo", "release " + tag);
        RevCommit commit = commit(git, dir, composerJson, T0.plus(Duration.ofDays(i)));
        if (tag.equals("v2.0.0")) {
          git.tag()
              .setName(tag)
              .setAnnotated(true)
              .setSigned(false)
              .setTagger(ident(T0.plus(Duration.ofDays(100))))
              .setMessage("Release 2.0.0")
              .call();
        } else {
          git.tag().setName(tag).setAnnotated(false).call();
        }
        if (!tag.equals("v1.3.0")) {
          tags.put(tag, expected(tag, commit));
        }
        if (tag.equals("1.4.1")) {
          git.branchCreate().setName("1.x").call();
          branches.put("1.x", expected("1.x-dev", commit));
        }
        if (tag.equals("v2.2.0")) {
          git.branchCreate().setName("2.x").call();
          branches.put("2.x", expected("2.x-dev", commit));
        }
      }
      RevCommit head =
          commit(git, dir, composerJson("acme/foo", "next"), T0.plus(Duration.ofDays(30)));
      git.tag().setName("release-candidate-x").setAnnotated(false).call();
      branches.put("main", expected("dev-main", head));
    }
    List<Expected> all = new ArrayList<>(tags.values());
    all.addAll(branches.values());
    return all;
  }

  @Test
  void workTreeRepositoryYieldsEveryGoodTagAndBranchAndNamesTheBrokenTag() throws Exception {
    Path dir = tmp.resolve("foo");
    List<Expected> expected = buildRepository(dir);

    ScanResult result = GitScanner.defaults().scan(dir);

    assertEquals(20, TAGS.size());
    assertEquals(19 + 3, expected.size()); // v1.3.0 is broken; release-candidate-x no version
    assertScanned(expected, dir.toUri().toString(), result);
  }

  @Test
  void bareRepositoryYieldsTheSameVersions() throws Exception {
    Path work = tmp.resolve("foo");
    List<Expected> expected = buildRepository(work);
    Path bare = tmp.resolve("foo.git");
    Git.cloneRepository()
        .setURI(work.toUri().toString())
        .setDirectory(bare.toFile())
        .setBare(true)
        .setCloneAllBranches(true)
        .call()
        .close();

    ScanResult result = GitScanner.defaults().scan(bare);

    assertScanned(expected, bare.toUri().toString(), result);
  }

  private static void assertScanned(List<Expected> expected, String url, ScanResult result) {
    List<Expected> actual = new ArrayList<>();
    for (ObjectNode doc : result.documents()) {
      assertEquals("acme/foo", doc.get("name").asText());
      assertEquals("git", doc.at("/source/type").asText());
      assertEquals(url, doc.at("/source/url").asText());
      assertFalse(doc.has("dist"), "no dist without a template");
      assertEquals(
          doc.get("version").asText().equals("dev-main"),
          doc.path("default-branch").asBoolean(false),
          "default-branch on HEAD's branch only: " + doc.get("version"));
      actual.add(
          new Expected(
              doc.get("version").asText(),
              doc.at("/source/reference").asText(),
              doc.get("time").asText()));
    }
    assertEquals(expected, actual);
    assertEquals(2, result.warnings().size(), result.warnings().toString());
    assertTrue(
        result.warnings().get(0).startsWith("tag release-candidate-x: not a version"),
        result.warnings().toString());
    assertTrue(
        result.warnings().get(1).startsWith("tag v1.3.0: composer.json at ")
            && result.warnings().get(1).contains("is not valid JSON"),
        result.warnings().toString());
  }

  @Test
  void documentIsTheComposerJsonPlusVersionSourceDistAndTime() throws Exception {
    Path dir = tmp.resolve("foo");
    RevCommit commit;
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      commit =
          commit(
              git,
              dir,
              "{\"name\":\"acme/foo\",\"require\":{\"php\":\">=8.1\"},\"version\":\"9.9.9\"}",
              Instant.parse("2024-05-01T12:00:00Z"));
      git.tag().setName("v1.2.0").setAnnotated(false).call();
    }

    ScanResult result =
        GitScanner.defaults()
            .withSourceUrl("https://git.example/acme/foo.git")
            .withDistUrlTemplate("https://codeload.example/{name}/zip/{reference}?v={version}")
            .scan(dir);

    String id = commit.name();
    ObjectNode devMain = (ObjectNode) fooDocument("dev-main", id);
    devMain.put("default-branch", true);
    assertEquals(List.of(fooDocument("v1.2.0", id), devMain), result.documents());
    assertEquals(List.of(), result.warnings());
  }

  /**
   * What a scan makes of acme/foo's composer.json at {@code version}, from commit {@code id}
   * committed on 2024-05-01 and authored 365 days earlier.
   */
  private static JsonNode fooDocument(String version, String id) throws IOException {
    return JSON.readTree(
        """
        {"name":"acme/foo","require":{"php":">=8.1"},"version":"%1$s",
         "source":{"type":"git","url":"https://git.example/acme/foo.git","reference":"%2$s"},
         "dist":{"type":"zip","url":"https://codeload.example/acme/foo/zip/%2$s?v=%1$s",
                 "reference":"%2$s"},
         "time":"2023-05-02T12:00:00+00:00"}"""
            .formatted(version, id));
  }

  @Test
  void tagsNamingAnotherPackageOrNoneArePublishedUnderTheDefaultBranchsNameWithOneWarning()
      throws Exception {
    Path dir = tmp.resolve("foo");
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      Files.writeString(dir.resolve("README"), "no composer.json yet");
      git.add().addFilepattern("README").call();
      git.commit().setSign(false).setMessage("readme").setCommitter(ident(T0)).call();
      git.tag().setName("0.1.0").setAnnotated(false).call();
      commit(git, dir, composerJson("acme/other", "fork"), T0.plusSeconds(60));
      git.tag().setName("0.2.0").setAnnotated(false).call();
      commit(git, dir, "{\"description\":\"no name\"}", T0.plusSeconds(90));
      git.tag().setName("0.2.5").setAnnotated(false).call();
      commit(git, dir, composerJson("acme/foo", "renamed"), T0.plusSeconds(120));
      git.tag().setName("0.3.0").setAnnotated(false).call();
      git.tag().setName("v0.3.0").setAnnotated(false).call();
    }

    ScanResult result = GitScanner.defaults().scan(dir);

    assertEquals(
        List.of("0.2.0", "0.2.5", "0.3.0", "dev-main"),
        result.documents().stream().map(d -> d.get("version").asText()).toList());
    result.documents().forEach(d -> assertEquals("acme/foo", d.get("name").asText()));
    List<String> warnings = result.warnings();
    assertEquals(3, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).matches("tag 0\\.1\\.0: no composer\\.json at [0-9a-f]{10}"));
    assertEquals("tag v0.3.0: same version as tag 0.3.0 (0.3.0.0)", warnings.get(1));
    assertEquals(
        "tag 0.2.0, tag 0.2.5: composer.json names another package or none; published as"
            + " acme/foo, the name on the default branch",
        warnings.get(2));
  }

  @Test
  void theDefaultBranchsNameWinsOverTheNameMostTagsGive() throws Exception {
    Path dir = tmp.resolve("foo");
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      for (int i = 0; i < 3; i++) {
        commit(git, dir, composerJson("old/name", "v" + i), T0.plusSeconds(i));
        git.tag().setName("1.0." + i).setAnnotated(false).call();
      }
      commit(git, dir, composerJson("new/name", "renamed"), T0.plusSeconds(10));
    }

    ScanResult result = GitScanner.defaults().scan(dir);

    assertEquals(4, result.documents().size());
    result.documents().forEach(d -> assertEquals("new/name", d.get("name").asText()));
  }

  @Test
  void tagsWhoseComposerJsonBreaksComposerRulesAreSkippedNamingTheProblem() throws Exception {
    Path dir = tmp.resolve("foo");
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      commit(git, dir, "{\"name\": \"Acme/Foo\"}", T0);
      git.tag().setName("1.0.0").setAnnotated(false).call();
      commit(git, dir, "{\"name\": \"acme/foo\", \"require\": {\"php\": 8}}", T0.plusSeconds(1));
      git.tag().setName("1.1.0").setAnnotated(false).call();
      commit(git, dir, "[\"acme/foo\"]", T0.plusSeconds(2));
      git.tag().setName("1.2.0").setAnnotated(false).call();
      commit(git, dir, composerJson("acme/foo", "good"), T0.plusSeconds(3));
    }

    ScanResult result = GitScanner.defaults().scan(dir);

    assertEquals(
        List.of("1.0.0", "dev-main"),
        result.documents().stream().map(d -> d.get("version").asText()).toList());
    List<String> warnings = result.warnings();
    assertEquals(3, warnings.size(), warnings.toString());
    assertTrue(
        warnings.get(0).matches("tag 1\\.2\\.0: composer\\.json at \\w{10} is not a JSON object"),
        warnings.get(0));
    assertTrue(
        warnings.get(1).matches("tag 1\\.1\\.0: composer\\.json at \\w{10}: .*require\\.php.*"),
        warnings.get(1));
    assertEquals(
        "tag 1.0.0: composer.json names another package or none; published as acme/foo, the name"
            + " on the default branch",
        warnings.get(2),
        "an invalid name (Acme/Foo) is no name");
  }

  @Test
  void directoryThatIsNotAGitRepositoryFailsWithItsName() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    IOException e = assertThrows(IOException.class, () -> GitScanner.defaults().scan(plain));
    assertEquals("not a git repository: " + plain, e.getMessage());
    Path missing = tmp.resolve("missing");
    e = assertThrows(IOException.class, () -> GitScanner.defaults().scan(missing));
    assertEquals("not a directory: " + missing, e.getMessage());
  }

  @Test
  void distTemplateWithAnUnknownPlaceholderIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GitScanner.defaults().withDistUrlTemplate("https://x.example/{package}.zip"));
    assertEquals(
        "unknown placeholder {package} in dist URL template: https://x.example/{package}.zip",
        e.getMessage());
  }

  private static String composerJson(String name, String description) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", name);
    json.put("description", description);
    json.put("require", Map.of("php", ">=8.1"));
    try {
      return JSON.writeValueAsString(json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Commits composer.json; the author time is a year earlier, to tell it from the commit time. */
  private static RevCommit commit(Git git, Path dir, String composerJson, Instant when)
      throws IOException, GitAPIException {
    Files.writeString(dir.resolve("composer.json"), composerJson, StandardCharsets.UTF_8);
    git.add().addFilepattern("composer.json").call();
    return git.commit()
        .setSign(false)
        .setMessage("composer.json at " + when)
        .setAuthor(ident(when.minus(Duration.ofDays(365))))
        .setCommitter(ident(when))
        .call();
  }

  /** Berlin, not UTC: the scanner must convert. */
  private static PersonIdent ident(Instant when) {
    return new PersonIdent("Ada", "ada@example.org", when, ZoneId.of("Europe/Berlin"));
  }

  /** The time is the author's, as Composer's git driver and packagist take it. */
  private static Expected expected(String version, RevCommit commit) {
    String time = commit.getAuthorIdent().getWhenAsInstant().toString().replace("Z", "+00:00");
    return new Expected(version, commit.name(), time);
  }
}
