package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.metamirror.mirror.tls.LocalCa;
import io.metamirror.mirror.tls.ReloadingKeyManager;
import io.metamirror.mirror.tls.TlsContexts;
import io.metamirror.testsupport.poll.Polling;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /.metamirror/health}: freshness, not just liveness (DESIGN §5). */
class HealthTest {
  @TempDir Path dir;

  @Test
  void caughtUpNodeIsOkAndSaysWhereItIsAndHowFresh() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir);
        MirrorNode node = bed.startCaughtUp(bed.config("eu1"))) {
      HttpsClient client = bed.client();
      HttpResponse<byte[]> raw = client.get(node, "/.metamirror/health");
      HttpsClient.Health health = client.health(node);

      assertEquals(200, health.status());
      assertEquals("application/json", header(raw, "Content-Type"));
      assertEquals("no-store", header(raw, "Cache-Control"));
      JsonNode body = health.body();
      for (String field :
          List.of(
              "status",
              "region",
              "node",
              "epoch",
              "appliedSeq",
              "knownHead",
              "lagEntries",
              "lagSeconds",
              "syncState",
              "lastError",
              "draining",
              "version")) {
        assertTrue(body.has(field), "health has " + field + ": " + body);
      }
      assertEquals("ok", body.get("status").asText());
      assertEquals("eu-west-1", body.get("region").asText());
      assertEquals("eu1", body.get("node").asText());
      assertEquals(bed.origin().epoch(), body.get("epoch").asText());
      assertEquals(bed.origin().head(), body.get("appliedSeq").asLong());
      assertEquals(bed.origin().head(), body.get("knownHead").asLong());
      assertEquals(0, body.get("lagEntries").asLong());
      assertEquals(0.0, body.get("lagSeconds").asDouble());
      assertEquals("following", body.get("syncState").asText());
      assertTrue(body.get("lastError").isNull());
      assertFalse(body.get("draining").asBoolean());
      assertFalse(body.get("version").asText().isEmpty());
    }
  }

  @Test
  void drainingNodeIs503DrainingWhileItStillServes() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir)) {
      HttpsClient client = bed.client();
      MirrorNodeConfig config = bed.config("n").withDrainGrace(Duration.ofSeconds(30));
      try (MirrorNode node = bed.startCaughtUp(config)) {
        Thread drain = new Thread(node::drain, "test-drain");
        drain.setDaemon(true);
        drain.start();
        Polling.await("drain to start", node::draining);

        HttpsClient.Health health = client.health(node);

        assertEquals(503, health.status());
        assertEquals("draining", health.body().get("status").asText());
        assertTrue(health.body().get("draining").asBoolean());
        assertEquals(200, client.get(node, "/packages.json").statusCode());
      }
    }
  }

  @Test
  void nodeStalledOnContentThatKeepsArrivingWrongIs503StalledServesItsStoreAndRecovers()
      throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir);
        OriginFaultSeam seam = OriginFaultSeam.start(bed.origin().uri())) {
      HttpsClient client = bed.client();
      try (MirrorNode node = bed.startCaughtUp(bed.config("n", seam.uri(), seam.uri()))) {
        seam.damageBlobs(true);
        long next =
            bed.origin()
                .publish(
                    Map.of(
                        "p2/acme/bad.json", "{\"packages\":{}}".getBytes(StandardCharsets.UTF_8)));

        Polling.await(
            "health to say stalled",
            () -> client.health(node).body().path("status").asText().equals("stalled"));
        HttpsClient.Health health = client.health(node);
        assertEquals(503, health.status());
        assertEquals("stalled", health.body().get("syncState").asText());
        assertFalse(health.body().get("lastError").isNull(), health.body().toString());
        HttpResponse<byte[]> local = client.get(node, "/packages.json");
        assertEquals(200, local.statusCode());
        assertEquals("local", header(local, "X-Metamirror-Source"));

        seam.damageBlobs(false);
        TestNodes.awaitCaughtUp(node, next);
        Polling.await("health to be ok again", () -> client.health(node).status() == 200);
        assertEquals("ok", client.health(node).body().get("status").asText());
      }
    }
  }

  @Test
  void nodeRefusingAShrinkIs503WithTheReasonKeepsServingItsTreeAndResumesOnceAccepted()
      throws Exception {
    Map<String, byte[]> files = new java.util.TreeMap<>();
    List<String> deletes = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      files.put("p2/acme/pkg" + i + ".json", ("{\"pkg\":" + i + "}").getBytes());
      if (i < 15) {
        deletes.add("p2/acme/pkg" + i + ".json");
      }
    }
    try (NodeTestbed bed = NodeTestbed.start(dir, files)) {
      HttpsClient client = bed.client();
      try (MirrorNode node = bed.startCaughtUp(bed.config("n"))) {
        long next = bed.origin().publish(Map.of(), deletes);

        Polling.await(
            "health to say refused_shrink",
            () -> client.health(node).body().path("syncState").asText().equals("refused_shrink"));
        HttpsClient.Health health = client.health(node);
        assertEquals(503, health.status());
        assertTrue(
            health.body().get("lastError").asText().contains("accept-epoch"),
            health.body().toString());
        HttpResponse<byte[]> local = client.get(node, "/p2/acme/pkg0.json");
        assertEquals(200, local.statusCode());
        assertEquals("local", header(local, "X-Metamirror-Source"));

        assertTrue(
            io.metamirror.sync.agent.ShrinkGuard.accept(dir.resolve("n")) != null,
            "a refusal to accept");
        TestNodes.awaitCaughtUp(node, next);
        Polling.await("health to be ok again", () -> client.health(node).status() == 200);
        assertEquals(404, client.get(node, "/p2/acme/pkg0.json").statusCode());
      }
    }
  }

  @Test
  void failedCertificateReloadShowsInHealthWhileTheOldCertificateServesAnd200() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir)) {
      LocalCa ca = LocalCa.create(dir.resolve("ca"));
      LocalCa.Issued issued =
          ca.issue(dir.resolve("cert"), "node", List.of("localhost"), List.of("127.0.0.1"));
      ReloadingKeyManager keys =
          ReloadingKeyManager.open(
              issued.chainFile(), issued.keyFile(), Clock.systemUTC(), Duration.ofDays(1));
      SSLContext trusting = TlsContexts.trusting(ca.certificateFile());
      HttpsClient client = new HttpsClient(new TestTls(ca.certificateFile(), null, trusting));
      try (MirrorNode node = bed.startCaughtUp(bed.config("n").withTls(keys))) {
        JsonNode before = client.health(node).body().get("tls");
        assertTrue(before.get("reloadError").isNull(), before.toString());
        assertEquals(
            issued.certificate().getNotAfter().toInstant().toString(),
            before.get("notAfter").asText());
        byte[] goodKey = Files.readAllBytes(issued.keyFile());

        // A renewal that wrote the certificate but a broken key.
        Files.writeString(issued.keyFile(), "-----BEGIN PRIVATE KEY-----\nnot a key\n");
        assertFalse(keys.checkNow());
        HttpsClient.Health broken = client.health(node);

        assertEquals(200, broken.status());
        assertEquals("ok", broken.body().get("status").asText());
        JsonNode tls = broken.body().get("tls");
        assertFalse(tls.get("reloadError").isNull(), tls.toString());
        assertFalse(tls.get("reloadErrorAt").isNull(), tls.toString());
        assertEquals(
            200,
            new HttpsClient(new TestTls(null, null, trusting))
                .get(node, "/packages.json")
                .statusCode());

        Files.write(issued.keyFile(), goodKey);
        assertTrue(keys.checkNow());
        assertTrue(client.health(node).body().get("tls").get("reloadError").isNull());
      }
    }
  }

  @Test
  void plainHttpNodeReportsNoTls() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir);
        MirrorNode node =
            bed.startCaughtUp(
                bed.config("n").withListener(MirrorNodeConfig.Listener.plain("127.0.0.1", 0)))) {
      assertNull(node.health().tls());
      assertTrue(
          new String(node.health().toJson(), StandardCharsets.UTF_8).contains("\"tls\":null"));
    }
  }
}
