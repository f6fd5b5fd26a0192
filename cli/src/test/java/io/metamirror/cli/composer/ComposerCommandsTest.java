package io.metamirror.cli.composer;

import static io.metamirror.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.cli.Run;
import io.metamirror.origin.composer.ComposerRepository;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metamirror composer publish|import|scan} as a user runs them, against a real origin. */
class ComposerCommandsTest {
  @TempDir Path dir;
  TestOrigin origin;
  ComposerRepository composer;
  Path token;

  @BeforeEach
  void start() throws IOException {
    origin = TestOrigin.start(dir.resolve("origin"));
    composer = origin.composer();
    token = Files.writeString(dir.resolve("token"), TestOrigin.TOKEN + "\n");
  }

  @AfterEach
  void stop() throws IOException {
    origin.close();
  }

  String[] command(String sub, String... rest) {
    String[] head = {
      "composer", sub, "--origin", origin.uri().toString(), "--token-file", token.toString()
    };
    String[] all = new String[head.length + rest.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(rest, 0, all, head.length, rest.length);
    return all;
  }

  List<String> versions(String name) throws IOException {
    return composer.versions(name).stream().map(v -> v.get("version").asText()).sorted().toList();
  }

  @Test
  void publishSendsEveryFileAndRefusesAllWhenOneIsInvalid() throws IOException {
    Path good =
        Files.writeString(
            dir.resolve("good.json"),
            "[{\"name\":\"acme/a\",\"version\":\"1.0.0\"},{\"name\":\"acme/a\",\"version\":\"dev-main\"}]");
    Path bad =
        Files.writeString(
            dir.resolve("bad.json"), "{\"name\":\"acme/b\",\"version\":\"1.0\",\"require\":\"x\"}");
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"name\":");

    Run refused = run(command("publish", good.toString(), bad.toString(), broken.toString()));
    assertEquals(1, refused.exit(), refused.toString());
    assertTrue(refused.err().contains("nothing was published"), refused.err());
    assertTrue(refused.err().contains(bad + ": "), refused.err());
    assertTrue(refused.err().contains(broken + ": not valid JSON"), refused.err());
    assertEquals(List.of(), composer.packageNames());

    Run ok = run(command("publish", good.toString()));
    assertEquals(0, ok.exit(), ok.toString());
    assertTrue(ok.out().contains("published 2 version(s) of 1 package(s)"), ok.out());
    assertEquals(List.of("1.0.0", "dev-main"), versions("acme/a"));
  }

  @Test
  void publishRefusesHostileDocumentsWithTheOriginsOwnReasonsBeforeSending() throws IOException {
    String[][] cases = {
      {"trailing.json", "[{\"name\":\"acme/a\",\"version\":\"1.0.0\"}] garbage", "not valid JSON"},
      {
        "twice.json",
        "{\"name\":\"acme/a\",\"version\":\"1.0.0\",\"version\":\"2.0.0\"}",
        "Duplicate field"
      },
      {
        "deep.json",
        "{\"name\":\"acme/a\",\"version\":\"1.0.0\",\"extra\":"
            + "[".repeat(3000)
            + "]".repeat(3000)
            + "}",
        "nesting depth"
      },
      {
        "long-name.json",
        "{\"name\":\"acme/" + "a".repeat(295) + "\",\"version\":\"1.0.0\"}",
        "\"name\": a package name of 300 characters is too long (at most 191)"
      },
      {
        "long-version.json",
        "{\"name\":\"acme/a\",\"version\":\"" + "1".repeat(100_000) + "\"}",
        "\"version\": a version of 100000 characters is too long (at most 191)"
      },
      {
        "dev.json",
        "{\"name\":\"acme/a\",\"version\":\"dev-\"}",
        "\"version\": \"dev-\" needs a branch name after it"
      },
      {
        "keywords.json",
        "{\"name\":\"acme/a\",\"version\":\"1.0.0\",\"keywords\":[1,2]}",
        "\"keywords.0\": must be a string"
      },
    };
    long head = origin.head();
    for (String[] c : cases) {
      Path file = Files.writeString(dir.resolve(c[0]), c[1]);
      Run refused = run(command("publish", file.toString()));
      assertEquals(1, refused.exit(), refused.toString());
      assertTrue(refused.err().contains(file + ": "), refused.err());
      assertTrue(refused.err().contains(c[2]), c[0] + ": " + refused.err());
    }
    assertEquals(head, origin.head(), "nothing was sent");
  }

  @Test
  void importPublishesAComposerJsonTreeAndWarnsAboutWhatItSkips() throws IOException {
    Path tree = dir.resolve("tree");
    Files.createDirectories(tree.resolve("a"));
    Files.createDirectories(tree.resolve("b"));
    Files.createDirectories(tree.resolve("c"));
    Files.writeString(
        tree.resolve("a/composer.json"), "{\"name\":\"acme/a\",\"version\":\"1.0.0\"}");
    Files.writeString(
        tree.resolve("b/composer.json"), "{\"name\":\"acme/b\",\"version\":\"2.0.0\"}");
    Files.writeString(tree.resolve("c/composer.json"), "{\"name\":\"acme/c\"}");

    Run dry = run(command("import", "--dry-run", tree.toString()));
    assertEquals(0, dry.exit(), dry.toString());
    assertTrue(dry.out().contains("would publish 2 version(s) of 2 package(s)"), dry.out());
    assertEquals(List.of(), composer.packageNames(), "a dry run publishes nothing");

    Run ok = run(command("import", tree.toString()));
    assertEquals(0, ok.exit(), ok.toString());
    assertTrue(ok.err().contains("c/composer.json"), "the skipped file is named: " + ok.err());
    assertEquals(List.of("acme/a", "acme/b"), composer.packageNames());
  }

  @Test
  void scanPublishesTagsAndBranchesOfAGitRepository() throws Exception {
    Path repo = dir.resolve("widget");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      PersonIdent who =
          new PersonIdent(
              "t",
              "t@example.test",
              Instant.parse("2026-01-01T00:00:00Z"),
              java.time.ZoneOffset.UTC);
      for (String tag : List.of("v1.0.0", "v1.1.0")) {
        Files.writeString(
            repo.resolve("composer.json"),
            "{\"name\":\"acme/widget\",\"description\":\"" + tag + "\"}");
        git.add().addFilepattern("composer.json").call();
        git.commit().setSign(false).setMessage(tag).setAuthor(who).setCommitter(who).call();
        git.tag().setName(tag).setAnnotated(false).call();
      }
      Files.writeString(repo.resolve("composer.json"), "{\"name\":");
      git.add().addFilepattern("composer.json").call();
      git.commit().setSign(false).setMessage("broken").setAuthor(who).setCommitter(who).call();
      git.tag().setName("v1.2.0").setAnnotated(false).call();
    }

    Run ok =
        run(
            command(
                "scan",
                "--source-url",
                "https://git.example/acme/widget.git",
                "--dist-url",
                "https://dist.example/{name}/{reference}.zip",
                repo.toString()));
    assertEquals(0, ok.exit(), ok.toString());
    assertTrue(ok.err().contains("v1.2.0"), "the broken tag is named: " + ok.err());
    assertEquals(List.of("v1.0.0", "v1.1.0"), versions("acme/widget"));
    assertEquals(
        "https://git.example/acme/widget.git",
        composer.versions("acme/widget").get(0).get("source").get("url").asText());
    assertTrue(
        composer
            .versions("acme/widget")
            .get(0)
            .get("dist")
            .get("url")
            .asText()
            .startsWith("https://dist.example/acme/widget/"));
  }

  @Test
  void sourceUrlIsGivenOncePerGitDirInOrder() throws Exception {
    Path a = oneTagRepository("a", "acme/a");
    Path b = oneTagRepository("b", "acme/b");

    Run ok = scanWithTwoSourceUrls(a, b);

    assertEquals(0, ok.exit(), ok.toString());
    for (String name : List.of("acme/a", "acme/b")) {
      composer
          .versions(name)
          .forEach(
              v ->
                  assertEquals(
                      "https://git.example/" + name + ".git", v.at("/source/url").asText(), name));
    }

    Run mismatched = scanWithTwoSourceUrls(a, b, a);
    assertEquals(2, mismatched.exit(), mismatched.toString());
    assertTrue(
        mismatched
            .err()
            .contains(
                "--source-url given 2 time(s) for 3 GIT_DIR(s): give one per GIT_DIR, in the same"
                    + " order"),
        mismatched.err());
  }

  /** {@code composer scan} with the source URLs of acme/a and acme/b, in that order. */
  private Run scanWithTwoSourceUrls(Path... gitDirs) {
    List<String> args = new java.util.ArrayList<>();
    for (String name : List.of("acme/a", "acme/b")) {
      args.add("--source-url");
      args.add("https://git.example/" + name + ".git");
    }
    for (Path gitDir : gitDirs) {
      args.add(gitDir.toString());
    }
    return run(command("scan", args.toArray(String[]::new)));
  }

  /** A repository whose main branch and tag 1.0.0 hold composer.json naming {@code name}. */
  private Path oneTagRepository(String directory, String name) throws Exception {
    Path repo = dir.resolve(directory);
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.writeString(repo.resolve("composer.json"), "{\"name\":\"" + name + "\"}");
      git.add().addFilepattern("composer.json").call();
      git.commit().setSign(false).setMessage("first").call();
      git.tag().setName("1.0.0").setAnnotated(false).call();
    }
    return repo;
  }

  @Test
  void anUnreachableOriginIsOneClearLine() throws IOException {
    Path good =
        Files.writeString(dir.resolve("good.json"), "{\"name\":\"acme/a\",\"version\":\"1\"}");
    Run failed =
        run(
            "composer",
            "publish",
            "--origin",
            "http://127.0.0.1:1/",
            "--token-file",
            token.toString(),
            good.toString());
    assertEquals(1, failed.exit(), failed.toString());
    assertTrue(failed.err().contains("cannot reach the origin"), failed.err());
    assertFalse(failed.err().contains("\tat "), "no stack trace: " + failed.err());
  }
}
