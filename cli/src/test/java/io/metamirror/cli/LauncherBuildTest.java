package io.metamirror.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the {@code metamirror} launcher builds the jar: the real script, run by bash in a copy of a
 * source checkout. Maven and Java are seams here: {@code mvn} is a recording stand-in that counts
 * builds and writes a jar (a real build takes a minute and cannot be slowed down to widen a race),
 * {@code java} prints what it was asked to run.
 */
class LauncherBuildTest {
  private static final Path LAUNCHER = Path.of("..", "metamirror").toAbsolutePath().normalize();
  private static final Path JVM_DEFAULTS =
      Path.of("..", "scripts", "jvm-defaults.sh").toAbsolutePath().normalize();

  @TempDir Path checkout;
  private Path bin;
  private Path source;

  @BeforeEach
  void copyOfACheckout() throws IOException {
    Files.copy(LAUNCHER, checkout.resolve("metamirror"));
    Files.createDirectories(checkout.resolve("scripts"));
    Files.copy(JVM_DEFAULTS, checkout.resolve("scripts/jvm-defaults.sh"));
    Files.writeString(checkout.resolve("pom.xml"), "<project/>\n");
    Files.createDirectories(checkout.resolve("cli/src/main/java"));
    Files.writeString(checkout.resolve("cli/pom.xml"), "<project/>\n");
    source = checkout.resolve("cli/src/main/java/Main.java");
    Files.writeString(source, "class Main {}\n");
    bin = Files.createDirectories(checkout.resolve("fake-bin"));
    // Recording stand-in for Maven: one line per build, a second's work so that two launches
    // started together are both inside the first check before either build ends.
    script(
        "mvn",
        "if [ -n \"${FAIL_BUILD:-}\" ]; then echo 'compilation failed' >&2; exit 1; fi",
        "echo build >> builds.log",
        "sleep 1",
        "mkdir -p cli/target && echo jar > cli/target/metamirror.jar");
    script("java", "echo \"ran $*\"");
  }

  @Test
  void twoFirstRunsAtOnceBuildTheJarOnce() throws Exception {
    Process first = start("--help");
    Process second = start("--help");
    assertRan(first);
    assertRan(second);
    assertEquals(1, builds());
  }

  @Test
  void anEditedSourceRebuildsAndAnUntouchedTreeDoesNot() throws Exception {
    assertRan(start("--help"));
    assertRan(start("--help"));
    assertEquals(1, builds());

    Files.setLastModifiedTime(source, afterTheBuild());
    assertRan(start("--help"));
    assertEquals(2, builds());
  }

  /** A demo's or a benchmark's data directory inside the checkout may hold a million files. */
  @Test
  void filesOutsideTheModulesSourcesDoNotTriggerABuild() throws Exception {
    assertRan(start("--help"));
    FileTime later = afterTheBuild();
    for (String path :
        List.of("metamirror-demo/store/acme/src/main/x.json", "cli/target/classes/Main.class")) {
      Path file = checkout.resolve(path);
      Files.createDirectories(file.getParent());
      Files.writeString(file, "{}");
      Files.setLastModifiedTime(file, later);
    }
    assertRan(start("--help"));
    assertEquals(1, builds());
  }

  @Test
  void aFailedBuildSaysWhereTheLogIsAndTheNextRunBuildsAgain() throws Exception {
    Process failed = start(List.of("FAIL_BUILD=1"), "--help");
    String out = output(failed);
    assertEquals(1, failed.exitValue(), out);
    assertTrue(out.contains("build failed; see " + checkout.resolve("cli/target-build.log")), out);
    assertFalse(out.contains("ran "), out);

    assertRan(start("--help"));
    assertEquals(1, builds());
  }

  /** Beside an installed jar (no pom.xml), the launcher runs it and never asks for Maven. */
  @Test
  void anInstalledJarIsRunWithoutABuild() throws Exception {
    Files.delete(checkout.resolve("pom.xml"));
    Files.createDirectories(checkout.resolve("cli/target"));
    Files.writeString(checkout.resolve("cli/target/metamirror.jar"), "jar");
    assertRan(start("--version"));
    assertEquals(0, builds());
  }

  /** {@code metamirror demo} prints its publish line with the launcher's absolute path. */
  @Test
  void theLauncherTellsTheProgramItsOwnAbsolutePath() throws Exception {
    script("java", "echo \"ran $* launcher=$METAMIRROR_LAUNCHER\"");
    Process p = start("demo");
    String out = output(p);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("launcher=" + checkout.resolve("metamirror")), out);
  }

  private void script(String name, String... lines) throws IOException {
    Path file = bin.resolve(name);
    Files.writeString(file, "#!/usr/bin/env bash\n" + String.join("\n", lines) + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Process start(String... args) throws IOException {
    return start(List.of(), args);
  }

  private Process start(List<String> env, String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add(checkout.resolve("metamirror").toString());
    pb.command().addAll(List.of(args));
    pb.directory(checkout.toFile());
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().remove("METAMIRROR_JAVA_OPTS");
    for (String assignment : env) {
      String[] kv = assignment.split("=", 2);
      pb.environment().put(kv[0], kv[1]);
    }
    pb.redirectErrorStream(true);
    Files.setPosixFilePermissions(
        checkout.resolve("metamirror"), PosixFilePermissions.fromString("rwxr-xr-x"));
    return pb.start();
  }

  private static String output(Process p) throws IOException, InterruptedException {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish: " + out);
    return out;
  }

  private void assertRan(Process p) throws IOException, InterruptedException {
    String out = output(p);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("ran ") && out.contains("-jar " + runJar()), out);
  }

  private FileTime afterTheBuild() throws IOException {
    Path jar = checkout.resolve("cli/target/metamirror.jar");
    return FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2_000);
  }

  private Path runJar() {
    return checkout.resolve("cli/target/metamirror-run.jar");
  }

  private int builds() throws IOException {
    Path log = checkout.resolve("builds.log");
    return Files.exists(log) ? Files.readAllLines(log).size() : 0;
  }
}
