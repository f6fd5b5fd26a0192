package io.metamirror.cli.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.mirror.tls.LocalCa;
import io.metamirror.mirror.tls.TlsContexts;
import io.metamirror.protocol.health.HealthDocument;
import io.metamirror.testsupport.origin.TestOrigin;
import io.metamirror.testsupport.poll.Polling;
import io.metamirror.testsupport.process.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mirror serve} as a real process taking SIGHUP as {@code systemctl reload} sends it (the
 * unit's {@code ExecReload=}): it rereads its certificate at once and keeps serving.
 */
class MirrorServeReloadTest {
  @TempDir Path dir;

  @Test
  void sighupRereadsTheCertificateAndKeepsServing() throws Exception {
    LocalCa ca = LocalCa.create(dir.resolve("ca"));
    LocalCa.Issued cert =
        ca.issue(dir.resolve("tls"), "node", List.of("localhost"), List.of("127.0.0.1"));
    HttpClient https =
        HttpClient.newBuilder()
            .sslContext(TlsContexts.trusting(ca.certificateFile()))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"))) {
      Process node = TlsNodeCommand.of(List.of(), origin.uri(), dir.resolve("store"), cert).start();
      try {
        URI health = ServingLine.read(node).resolve(".metamirror/health");
        Instant loaded = tlsLoadedAt(https, health);

        ChildJvm.signal(node, "HUP");

        // The files did not change, so only a reread on demand moves loadedAt (the periodic check
        // reloads changed files only).
        Instant reloaded =
            Polling.awaitValue(
                "health to show the certificate reloaded",
                () -> tlsLoadedAt(https, health),
                at -> !at.equals(loaded));
        assertNotEquals(loaded, reloaded);
        assertTrue(node.isAlive(), "SIGHUP does not stop the node");
        assertEquals(200, get(https, health.resolve("/.metamirror/metrics")).statusCode());
      } finally {
        node.destroyForcibly().waitFor();
      }
    }
  }

  private static Instant tlsLoadedAt(HttpClient https, URI health) throws Exception {
    // 503 while the empty store bootstraps; the document is there either way.
    return HealthDocument.read(get(https, health).body().getBytes(StandardCharsets.UTF_8))
        .tls()
        .loadedAt();
  }

  private static HttpResponse<String> get(HttpClient https, URI uri) throws Exception {
    return https.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
