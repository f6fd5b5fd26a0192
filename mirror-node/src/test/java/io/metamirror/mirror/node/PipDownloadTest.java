package io.metamirror.mirror.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.metamirror.protocol.Sha256;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real pip downloads a wheel from a PEP 503 tree through a node over HTTPS, trusting only the
 * node's test CA: from the node's store ({@code local}: the node has synced the tree) and through
 * the origin fallback ({@code origin}: its store stays empty) ({@link SyncedAndFallbackNodes}).
 * {@code demo-pkg} has only an HTML page; {@code demo-json} has PEP 691 JSON, which pip asks for
 * first, and an HTML page that lists nothing, so pip finds its wheel only through the JSON.
 *
 * <p>pip must be installed ({@code scripts/test} installs it): without it this test fails.
 */
class PipDownloadTest {
  static final TestWheel HTML_ONLY = new TestWheel("demo-pkg", "1.0");
  static final TestWheel WITH_JSON = new TestWheel("demo-json", "1.0");

  @TempDir static Path dir;
  static SyncedAndFallbackNodes nodes;
  static final Map<String, byte[]> wheels = new LinkedHashMap<>();

  @BeforeAll
  static void nodesServingASimpleTree() throws Exception {
    Map<String, byte[]> tree = new LinkedHashMap<>();
    for (TestWheel wheel : List.of(HTML_ONLY, WITH_JSON)) {
      byte[] bytes = wheel.build();
      wheels.put(wheel.project(), bytes);
      tree.put("packages/" + wheel.fileName(), bytes);
    }
    tree.put(
        "simple/index.html",
        utf8(page("<a href=\"demo-pkg/\">demo-pkg</a><a href=\"demo-json/\">demo-json</a>")));
    tree.put(
        "simple/demo-pkg/index.html",
        utf8(
            page(
                "<a href=\"../../packages/"
                    + HTML_ONLY.fileName()
                    + "#sha256="
                    + sha256(HTML_ONLY)
                    + "\">"
                    + HTML_ONLY.fileName()
                    + "</a>")));
    tree.put("simple/demo-json/index.html", utf8(page("")));
    tree.put(
        "simple/demo-json/index.json",
        utf8(
            "{\"meta\":{\"api-version\":\"1.0\"},\"name\":\"demo-json\",\"files\":[{\"filename\":\""
                + WITH_JSON.fileName()
                + "\",\"url\":\"../../packages/"
                + WITH_JSON.fileName()
                + "\",\"hashes\":{\"sha256\":\""
                + sha256(WITH_JSON)
                + "\"}}]}"));
    nodes = SyncedAndFallbackNodes.start(dir, tree);
  }

  @AfterAll
  static void stop() throws IOException {
    nodes.close();
  }

  @ParameterizedTest(name = "{1} from the {0}")
  @CsvSource({"local, demo-pkg", "local, demo-json", "origin, demo-pkg", "origin, demo-json"})
  void pipDownloadsTheWheelThroughTheNode(String source, String project) throws Exception {
    MirrorNode node = nodes.node(source);
    Path into = dir.resolve("downloads-" + source + "-" + project);
    double fetchesBefore =
        nodes.testbed().client().metric(node, "metamirror_fallback_fetches_total");

    Run run = pipDownload(node, project, into);

    assertEquals(0, run.exit(), "pip download failed:\n" + run.output());
    TestWheel wheel = project.equals(HTML_ONLY.project()) ? HTML_ONLY : WITH_JSON;
    Path downloaded = into.resolve(wheel.fileName());
    assertTrue(Files.isRegularFile(downloaded), "no " + downloaded + ":\n" + run.output());
    assertEquals(sha256(wheel), Sha256.of(Files.readAllBytes(downloaded)).hex());
    double fetches =
        nodes.testbed().client().metric(node, "metamirror_fallback_fetches_total") - fetchesBefore;
    if (source.equals("local")) {
      assertEquals(0, fetches, "the synced node asked the origin");
    } else {
      assertEquals(0, node.syncStatus().appliedSeq(), "the fallback node's store is empty");
      assertTrue(fetches >= 2, "the page and the wheel came from the origin: " + fetches);
    }
  }

  record Run(int exit, String output) {}

  /**
   * {@code pip download --no-deps} of {@code project} from the node's {@code simple/} index, with
   * the machine's pip configuration (its local wheel directory and extra indexes) switched off and
   * the test CA as the only trusted one.
   */
  static Run pipDownload(MirrorNode node, String project, Path into) throws Exception {
    List<String> command = new ArrayList<>(pip());
    command.addAll(
        List.of(
            "download",
            "--no-deps",
            "--no-cache-dir",
            "--index-url",
            "https://127.0.0.1:" + node.port() + "/simple/",
            project,
            "-d",
            into.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("PIP_"));
    String ca = nodes.testbed().tls().caPem().toString();
    env.put("PIP_CERT", ca);
    env.put("REQUESTS_CA_BUNDLE", ca);
    env.put("SSL_CERT_FILE", ca);
    env.put("PIP_FIND_LINKS", "");
    env.put("PIP_CONFIG_FILE", "/dev/null");
    env.put("PIP_NO_INPUT", "1");
    env.put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(3, TimeUnit.MINUTES)) { // a hang guard, not a timing assertion
      process.destroyForcibly();
      fail("pip did not finish:\n" + output);
    }
    return new Run(process.exitValue(), output);
  }

  /**
   * pip on the PATH, else {@code python3 -m pip}, as {@code scripts/test} looks for it (and
   * installs it when missing); its absence fails the test rather than skipping it.
   */
  static List<String> pip() throws Exception {
    for (String name : List.of("pip", "pip3")) {
      Path found = onPath(name);
      if (found != null) {
        return List.of(found.toString());
      }
    }
    Path python = onPath("python3");
    if (python != null
        && new ProcessBuilder(python.toString(), "-m", "pip", "--version")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor()
            == 0) {
      return List.of(python.toString(), "-m", "pip");
    }
    return fail("pip is not installed; scripts/test installs it (python3 -m pip or python3-pip)");
  }

  private static Path onPath(String name) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(directory.isEmpty() ? "." : directory, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static String page(String links) {
    return "<!DOCTYPE html><html><body>" + links + "</body></html>\n";
  }

  static String sha256(TestWheel wheel) {
    return Sha256.of(wheels.get(wheel.project())).hex();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
