package io.metamirror.cli.composer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.mirror.node.MirrorNode;
import io.metamirror.mirror.node.MirrorNodeConfig;
import io.metamirror.mirror.tls.LocalCa;
import io.metamirror.mirror.tls.ReloadingKeyManager;
import io.metamirror.mirror.tls.TlsContexts;
import io.metamirror.testsupport.origin.TestOrigin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code composer} client (Debian package; {@code scripts/test} installs it) resolving a
 * small package graph through a mirror node over HTTPS, with packagist.org switched off: the origin
 * generates the metadata from versions published through its API, the node replicates it.
 */
class ComposerEndToEndTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path COMPOSER = Path.of("/usr/bin/composer");

  @TempDir Path dir;
  TestOrigin origin;
  MirrorNode mirror;
  ComposerApiClient api;
  Path ca;

  @BeforeEach
  void start() throws Exception {
    assertTrue(
        Files.isExecutable(COMPOSER),
        "this test needs the real composer client; scripts/test installs it (apt-get install"
            + " composer php-cli)");
    LocalCa authority = LocalCa.create(dir.resolve("tls"));
    LocalCa.Issued cert =
        authority.issue(dir.resolve("tls"), "node", List.of("localhost"), List.of("127.0.0.1"));
    SSLContext tls =
        TlsContexts.serverContext(ReloadingKeyManager.open(cert.chainFile(), cert.keyFile()));
    ca = authority.certificateFile();
    origin = TestOrigin.start(dir.resolve("origin"));
    mirror =
        MirrorNode.start(
            MirrorNodeConfig.defaults(origin.uri(), dir.resolve("mirror"))
                .withListener(MirrorNodeConfig.Listener.tls("127.0.0.1", 0, tls))
                .withIdentity("test", "t1")
                .withDrainGrace(Duration.ZERO));
    api = new ComposerApiClient(origin.uri(), TestOrigin.TOKEN);
  }

  @AfterEach
  void stop() throws Exception {
    if (mirror != null) {
      mirror.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  static ObjectNode version(String name, String version, Map<String, String> require) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("name", name);
    doc.put("version", version);
    doc.put("type", "library");
    doc.put("description", "test package " + name);
    doc.putArray("license").add("MIT");
    ObjectNode req = doc.putObject("require");
    require.forEach(req::put);
    String ref = Integer.toHexString((name + version).hashCode());
    doc.putObject("dist")
        .put("type", "zip")
        .put("url", "https://dist.example/" + name + "/" + ref + ".zip")
        .put("reference", ref);
    doc.putObject("source")
        .put("type", "git")
        .put("url", "https://git.example/" + name + ".git")
        .put("reference", ref);
    doc.put("time", "2026-11-01T10:00:00+00:00");
    return doc;
  }

  /** Publishes at the origin and waits until the mirror applied it: one sync round. */
  void publish(List<ObjectNode> versions) throws Exception {
    long head = api.publish(versions, line -> {}).head();
    for (int i = 0; i < 400 && mirror.syncStatus().appliedSeq() < head; i++) {
      Thread.sleep(25);
    }
    assertEquals(head, mirror.syncStatus().appliedSeq(), "the mirror caught up");
  }

  record Run(int exit, String output) {}

  Run composerUpdate(Path project, String composerJson) throws Exception {
    Files.createDirectories(project);
    Files.writeString(project.resolve("composer.json"), composerJson);
    ProcessBuilder builder =
        new ProcessBuilder(
                COMPOSER.toString(), "update", "--no-install", "--no-interaction", "--no-ansi")
            .directory(project.toFile())
            .redirectErrorStream(true);
    builder.environment().put("COMPOSER_CAFILE", ca.toString());
    builder.environment().put("COMPOSER_HOME", dir.resolve("composer-home").toString());
    builder.environment().put("COMPOSER_CACHE_DIR", dir.resolve("composer-cache").toString());
    builder.environment().put("COMPOSER_DISABLE_NETWORK", "0");
    builder.environment().remove("COMPOSER_AUTH");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(3, TimeUnit.MINUTES), "composer finished");
    return new Run(process.exitValue(), output);
  }

  String projectJson(String require) {
    return "{\"name\":\"test/app\",\"minimum-stability\":\"beta\","
        + "\"repositories\":[{\"type\":\"composer\",\"url\":\""
        + mirror.uri()
        + "\"},{\"packagist.org\":false}],\"require\":"
        + require
        + "}";
  }

  static Map<String, String> locked(Path project) throws Exception {
    JsonNode lock = JSON.readTree(project.resolve("composer.lock").toFile());
    Map<String, String> versions = new TreeMap<>();
    lock.get("packages")
        .forEach(p -> versions.put(p.get("name").asText(), p.get("version").asText()));
    return versions;
  }

  @Test
  void composerResolvesThroughTheMirrorAndSeesANewVersionAfterOneSyncRound() throws Exception {
    List<ObjectNode> graph = new ArrayList<>();
    graph.add(version("acme/log", "1.0.0", Map.of("php", ">=7.4")));
    graph.add(version("acme/log", "1.1.0", Map.of("php", ">=7.4")));
    graph.add(version("acme/log", "2.0.0", Map.of("php", ">=8.0")));
    graph.add(version("acme/http", "1.0.0", Map.of("acme/log", "^1.0")));
    graph.add(version("acme/http", "v1.2.0", Map.of("acme/log", "^1.1")));
    graph.add(version("acme/http", "1.3.0", Map.of("acme/log", "^2.0")));
    graph.add(version("acme/util", "2.0.0", Map.of("acme/log", "^1.0")));
    graph.add(version("acme/util", "2.0.5", Map.of("acme/log", "^1.0")));
    graph.add(version("acme/util", "2.1.0", Map.of("acme/log", "^1.0")));
    graph.add(version("acme/edge", "dev-main", Map.of("acme/util", "^2.0")));
    graph.add(version("acme/edge", "1.x-dev", Map.of()));
    graph.add(version("acme/beta", "1.0.0", Map.of()));
    graph.add(version("acme/beta", "1.1.0-beta1", Map.of()));
    graph.add(version("acme/beta", "1.2.0-alpha1", Map.of()));
    publish(graph);

    Path app = dir.resolve("app");
    String require =
        "{\"acme/http\":\"^1.0\",\"acme/util\":\"~2.0.0\",\"acme/edge\":\"dev-main\","
            + "\"acme/beta\":\"^1.0\"}";
    Run first = composerUpdate(app, projectJson(require));
    assertEquals(0, first.exit(), first.output());
    assertEquals(
        Map.of(
            "acme/beta", "1.1.0-beta1", // minimum-stability beta: not the alpha, not 1.0.0
            "acme/edge", "dev-main",
            "acme/http", "v1.2.0", // 1.3.0 needs acme/log ^2.0, which acme/util excludes
            "acme/log", "1.1.0",
            "acme/util", "2.0.5"), // ~2.0.0 stops before 2.1.0
        locked(app),
        first.output());

    publish(List.of(version("acme/log", "1.2.0", Map.of("php", ">=7.4"))));
    Run second = composerUpdate(app, projectJson(require));
    assertEquals(0, second.exit(), second.output());
    assertEquals("1.2.0", locked(app).get("acme/log"), second.output());

    Path missing = dir.resolve("missing");
    Run nope = composerUpdate(missing, projectJson("{\"acme/nope\":\"^1.0\"}"));
    assertNotEquals(0, nope.exit(), nope.output());
    assertTrue(
        nope.output().contains("acme/nope")
            && nope.output().contains("could not be found in any version"),
        nope.output());
  }
}
