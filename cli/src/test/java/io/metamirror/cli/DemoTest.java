package io.metamirror.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.metamirror.mirror.tls.TlsContexts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command, run as a real process: every node serves the sample over HTTPS. */
class DemoTest {
  @TempDir Path dir;

  @Test
  void theDemoServesTheSampleRootFromEveryMirrorOverHttpsWithThePrintedCa() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    // What the metamirror scripts export; here a launcher of the same classes.
    Path launcher = dir.resolve("bin").resolve("metamirror");
    Files.createDirectories(launcher.getParent());
    Files.writeString(
        launcher,
        "#!/bin/sh\nexec "
            + DemoBanner.word(java)
            + " -cp "
            + DemoBanner.word(classpath)
            + " "
            + Main.class.getName()
            + " \"$@\"\n");
    launcher.toFile().setExecutable(true);
    Path stderr = dir.resolve("demo-stderr.txt");
    ProcessBuilder demoProcess =
        new ProcessBuilder(
                java,
                "-cp",
                classpath,
                Main.class.getName(),
                "demo",
                "--dir",
                dir.toString(),
                "--origin-port",
                "0",
                "--mirror-ports",
                "0,0,0",
                "--no-table")
            .redirectError(stderr.toFile());
    demoProcess.environment().put(DemoBanner.LAUNCHER_ENV, launcher.toString());
    Process demo = demoProcess.start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
      List<URI> mirrors = new ArrayList<>();
      Path ca = null;
      URI origin = null;
      Pattern node = Pattern.compile("^\\s+\\S+-\\d\\s+(https://\\S+)$");
      List<String> banner = new ArrayList<>();
      for (String line; (line = out.readLine()) != null; ) {
        banner.add(line);
        Matcher m = node.matcher(line);
        if (m.matches()) {
          mirrors.add(URI.create(m.group(1)));
        } else if (line.startsWith("origin ")) {
          origin = URI.create(line.substring(7).trim().split("\\s+")[0]);
        } else if (line.startsWith("CA ")) {
          ca = Path.of(line.substring(3).trim());
        } else if (line.startsWith("Ctrl-C")) {
          break;
        }
      }
      assertEquals(3, mirrors.size(), "three mirrors printed");
      assertTrue(ca != null && Files.isRegularFile(ca), "the CA path is printed: " + ca);
      assertTrue(origin != null, "the origin URL is printed");
      byte[] sample =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(origin.resolve("packages.json")).build(),
                  HttpResponse.BodyHandlers.ofByteArray())
              .body();
      String root = new String(sample, StandardCharsets.UTF_8);
      assertTrue(
          root.contains("\"metadata-url\":\"/p2/%package%.json\"")
              && root.contains("\"acme/gadget\""),
          "the generated root file: " + root);
      HttpClient https = HttpClient.newBuilder().sslContext(TlsContexts.trusting(ca)).build();
      for (URI mirror : mirrors) {
        HttpResponse<byte[]> r =
            https.send(
                HttpRequest.newBuilder(mirror.resolve("packages.json")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), mirror.toString());
        assertEquals(
            new String(sample, StandardCharsets.UTF_8),
            new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(HttpClient.Version.HTTP_2, r.version(), "HTTP/2 over TLS");
      }
      curlWorks(ca, mirrors.get(1).resolve("packages.json"), sample);
      composerResolvesThroughAMirror(ca, mirrors.get(2));
      thePrintedLinesWorkAsPastedInAFreshShell(banner);
      String log = Files.readString(dir.resolve("demo.log"));
      assertTrue(log.contains("event="), "the nodes log to DIR/demo.log: " + log);
      String err = Files.readString(stderr);
      assertFalse(err.contains("event="), "no log lines on the terminal: " + err);
    } finally {
      demo.destroy();
      demo.waitFor();
    }
  }

  /**
   * Every command line of the banner (the indented lines under a heading ending in ':'), run as
   * printed, in order, by one shell started elsewhere: Composer resolves through a mirror, and the
   * published version is then served by the mirror.
   */
  private void thePrintedLinesWorkAsPastedInAFreshShell(List<String> banner) throws Exception {
    StringBuilder script = new StringBuilder("set -e\n");
    boolean commands = false;
    for (String line : banner) {
      if (line.isBlank()) {
        commands = false;
      } else if (commands) {
        script.append(line.strip()).append('\n');
      } else {
        commands = !line.startsWith(" ") && line.endsWith(":");
      }
    }
    String printed = script.toString();
    assertTrue(
        printed.contains("composer update") && printed.contains(" composer publish "), printed);
    Path elsewhere = dir.resolve("elsewhere");
    Files.createDirectories(elsewhere);
    ProcessBuilder shell =
        new ProcessBuilder("bash", "-c", printed)
            .directory(elsewhere.toFile())
            .redirectErrorStream(true);
    shell.environment().put("COMPOSER_HOME", dir.resolve(".composer-home").toString());
    shell.environment().put("COMPOSER_NO_INTERACTION", "1");
    Process run = shell.start();
    String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, run.waitFor(), printed + "\n--- output:\n" + output);
    assertTrue(
        Files.readString(dir.resolve("app").resolve("composer.lock")).contains("acme/gadget"),
        output);
    assertTrue(
        output.contains("\"acme/logger\"") && output.contains("\"version\":\"1.0.0\""),
        "the mirror serves the published version:\n" + output);
  }

  /** The printed composer example, with the real client: it resolves the sample graph. */
  private void composerResolvesThroughAMirror(Path ca, URI mirror) throws Exception {
    assertTrue(
        Files.isExecutable(Path.of("/usr/bin/composer")),
        "the real composer client is needed; scripts/test installs it");
    Path app = dir.resolve("composer-direct");
    Files.createDirectories(app);
    Files.writeString(
        app.resolve("composer.json"),
        "{\"repositories\":[{\"type\":\"composer\",\"url\":\""
            + mirror
            + "\"},{\"packagist.org\":false}],\"require\":{\"acme/gadget\":\"^1.2\"}}");
    ProcessBuilder builder =
        new ProcessBuilder("composer", "update", "--no-install", "--no-interaction")
            .directory(app.toFile())
            .redirectErrorStream(true);
    builder.environment().put("COMPOSER_CAFILE", ca.toString());
    builder.environment().put("COMPOSER_HOME", app.resolve(".composer-home").toString());
    Process composer = builder.start();
    String output = new String(composer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, composer.waitFor(), output);
    String lock = Files.readString(app.resolve("composer.lock"));
    assertTrue(
        lock.contains("\"name\": \"acme/gadget\"") && lock.contains("\"version\": \"1.2.0\""),
        lock);
    assertTrue(
        lock.contains("\"name\": \"acme/widget\"") && lock.contains("\"version\": \"2.0.0\""),
        lock);
  }

  private static void curlWorks(Path ca, URI url, byte[] expected) throws Exception {
    boolean hasCurl = Files.isExecutable(Path.of("/usr/bin/curl"));
    assumeTrue(hasCurl, "curl is not installed");
    Process curl =
        new ProcessBuilder("curl", "-sS", "--cacert", ca.toString(), url.toString())
            .redirectErrorStream(true)
            .start();
    byte[] body = curl.getInputStream().readAllBytes();
    assertEquals(0, curl.waitFor(), new String(body, StandardCharsets.UTF_8));
    assertEquals(
        new String(expected, StandardCharsets.UTF_8), new String(body, StandardCharsets.UTF_8));
  }
}
