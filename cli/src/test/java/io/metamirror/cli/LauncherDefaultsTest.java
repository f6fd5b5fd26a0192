package io.metamirror.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM options the {@code metamirror} launcher adds by command ({@code scripts/jvm-defaults.sh},
 * which the launcher sources), asked of the script itself with bash.
 */
class LauncherDefaultsTest {
  private static final Path SCRIPT =
      Path.of("..", "scripts", "jvm-defaults.sh").toAbsolutePath().normalize();

  private static final List<String> NODE =
      List.of("-Xms256m", "-Xmx640m", "-XX:MaxTenuringThreshold=1");

  private static final List<String> SYNC = List.of("-XX:+UseSerialGC");

  private static final List<String> ORIGIN =
      List.of("-Xmx512m", "-Djdk.nio.maxCachedBufferSize=262144");

  private static final List<String> PUBLISH_DIR =
      List.of("-Xmx768m", "-Djdk.nio.maxCachedBufferSize=262144");

  @Test
  void aMirrorNodeGetsItsBoundedHeap() throws Exception {
    assertEquals(NODE, defaults(null, "mirror", "serve", "--store", "s"));
    assertEquals(NODE, defaults(null, "--config=c.yaml", "mirror", "serve"));
    assertEquals(NODE, defaults(null, "--verbose", "--config", "c.yaml", "mirror", "serve"));
  }

  @Test
  void anOriginGetsItsBoundedHeapForServingAndForPublishingADirectory() throws Exception {
    assertEquals(ORIGIN, defaults(null, "origin", "serve", "--data", "sync"));
    assertEquals(ORIGIN, defaults(null, "--config", "sync", "origin", "serve"));
    assertEquals(PUBLISH_DIR, defaults(null, "origin", "publish-dir", "--data", "d", "src"));
    assertEquals(PUBLISH_DIR, defaults(null, "--verbose", "origin", "publish-dir", "src"));
  }

  @Test
  void syncGetsTheSerialCollectorWhateverGlobalOptionsComeFirst() throws Exception {
    assertEquals(SYNC, defaults(null, "sync", "--origin", "http://o", "--store", "s", "--once"));
    assertEquals(SYNC, defaults(null, "sync", "status", "--store", "s"));
    assertEquals(SYNC, defaults(null, "--verbose", "sync", "verify", "--store", "s"));
    assertEquals(SYNC, defaults(null, "--config", "c.yaml", "sync"));
    assertEquals(SYNC, defaults("-Xmx1g", "sync", "--store", "s"));
  }

  /** The JVM refuses to start with two collectors: one named by the user wins alone. */
  @Test
  void syncGetsNoCollectorWhenTheUserNamesOne() throws Exception {
    assertEquals(List.of(), defaults("-XX:+UseG1GC", "sync", "--store", "s"));
    assertEquals(List.of(), defaults("-Xmx1g -XX:+UseParallelGC", "sync", "--store", "s"));
  }

  @Test
  void otherCommandsGetNone() throws Exception {
    assertEquals(List.of(), defaults(null));
    assertEquals(List.of(), defaults(null, "--help"));
    assertEquals(List.of(), defaults(null, "mirror"));
    assertEquals(List.of(), defaults(null, "origin"));
    assertEquals(List.of(), defaults(null, "demo", "--dir", "mirror", "serve"));
  }

  /** Options the JVM would not take would stop every launch of that command. */
  @Test
  void everyDefaultIsAnOptionThisJvmTakes() throws Exception {
    List<String> options = new ArrayList<>(NODE);
    options.addAll(SYNC);
    options.addAll(ORIGIN);
    options.addAll(PUBLISH_DIR);
    for (String option : options) {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process p =
          new ProcessBuilder(java.toString(), option, "-version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), option);
      assertEquals(0, p.exitValue(), option + ": " + out);
    }
  }

  /** What the script prints for {@code args}, with {@code METAMIRROR_JAVA_OPTS} set when given. */
  private static List<String> defaults(String javaOpts, String... args)
      throws IOException, InterruptedException {
    assertTrue(Files.isRegularFile(SCRIPT), SCRIPT + " is missing");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "bash",
            "-c",
            "set -euo pipefail; source \"$0\"; metamirror_jvm_defaults \"$@\"",
            SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("METAMIRROR_JAVA_OPTS");
    if (javaOpts != null) {
      pb.environment().put("METAMIRROR_JAVA_OPTS", javaOpts);
    }
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash did not finish");
    assertEquals(0, p.exitValue(), "bash failed: " + out);
    return out.isEmpty() ? List.of() : List.of(out.strip().split("\n"));
  }
}
