package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.metamirror.testsupport.origin.TestOrigin;
import io.metamirror.testsupport.poll.Polling;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caught-up node whose origin goes away keeps serving what it has, answers misses with a fast 502
 * (Composer retries those, then uses its cache), stops contacting the origin once the circuit
 * opens, stays healthy (every node is equally stale), and falls back again once the origin is back.
 */
class OriginOutageTest {
  private static final byte[] PACKAGES = "{\"packages\":[]}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void caughtUpNodeServesLocalFilesFailsMissesFastOpensTheCircuitAndRecovers() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, Map.of("packages.json", PACKAGES))) {
      TestOrigin origin = bed.origin();
      HttpsClient client = bed.client();
      // open long enough that the checks right after it opens see it open
      MirrorNodeConfig config = withFallback(bed.config("n"), ofSeconds(2), ofSeconds(3));
      try (MirrorNode node = bed.startCaughtUp(config)) {
        origin.stop();

        HttpResponse<byte[]> local = client.get(node, "/packages.json");
        assertEquals(200, local.statusCode());
        assertEquals("local", header(local, "X-Metamirror-Source"));
        assertArrayEquals(PACKAGES, local.body());

        missUntilTheCircuitOpens(client, node);
        assertEquals(1.0, client.metric(node, "metamirror_fallback_circuit_open"));
        double fetches = client.metric(node, "metamirror_fallback_fetches_total");
        assertEquals(OriginFallback.FAILURES_TO_OPEN, fetches);

        HttpResponse<byte[]> whileOpen = client.get(node, "/p2/acme/missing-x.json");
        assertEquals(502, whileOpen.statusCode());
        assertEquals(
            fetches,
            client.metric(node, "metamirror_fallback_fetches_total"),
            "an open circuit fetches nothing (it asks only whether the origin is back)");

        Polling.await(
            "the agent to notice the outage",
            () -> client.health(node).body().hasNonNull("lastError"));
        HttpsClient.Health health = client.health(node);
        assertEquals(200, health.status(), health.body().toString());
        assertEquals("ok", health.body().get("status").asText());
        assertEquals(200, client.get(node, "/packages.json").statusCode());

        origin.restart();
        // Once the open period is over, the next miss reaches the origin again, which answers it.
        Polling.await(
            "a miss to be answered by the origin again",
            () -> client.get(node, "/p2/acme/missing-0.json").statusCode() == 404);
        assertEquals(0.0, client.metric(node, "metamirror_fallback_circuit_open"));
        assertEquals(
            fetches + 1,
            client.metric(node, "metamirror_fallback_fetches_total"),
            "one probe, no origin contact while the circuit was open");
      }
    }
  }

  @Test
  void aMissRightAfterTheOriginComesBackIsAnsweredByItThoughTheCircuitIsStillOpen()
      throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, Map.of("packages.json", PACKAGES))) {
      HttpsClient client = bed.client();
      // Open far longer than this test runs: only the probe can close it.
      MirrorNodeConfig config = withFallback(bed.config("n"), ofSeconds(2), ofSeconds(600));
      try (MirrorNode node = bed.startCaughtUp(config)) {
        bed.origin().stop();
        missUntilTheCircuitOpens(client, node);
        assertEquals(502, client.get(node, "/p2/acme/while-down.json").statusCode());
        assertEquals(1.0, client.metric(node, "metamirror_fallback_circuit_open"));

        // The store must not get the new file first: only the fallback may answer it.
        node.pauseSync();
        bed.origin().restart();
        bed.origin().publish(Map.of("p2/acme/new.json", "{\"new\":true}"), List.of());
        HttpResponse<byte[]> miss = client.get(node, "/p2/acme/new.json");

        assertEquals(200, miss.statusCode(), HttpsClient.text(miss));
        assertEquals("origin", header(miss, "X-Metamirror-Source"));
        assertEquals(0.0, client.metric(node, "metamirror_fallback_circuit_open"));
      }
    }
  }

  @Test
  void afterTheOpenPeriodOneFailedProbeOpensTheCircuitAgain() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, Map.of("packages.json", PACKAGES))) {
      HttpsClient client = bed.client();
      MirrorNodeConfig config = withFallback(bed.config("n"), ofSeconds(2), ofSeconds(1));
      try (MirrorNode node = bed.startCaughtUp(config)) {
        bed.origin().stop();
        missUntilTheCircuitOpens(client, node);
        Polling.await(
            "the open period to end",
            () -> client.metric(node, "metamirror_fallback_circuit_open") == 0.0);
        double fetches = client.metric(node, "metamirror_fallback_fetches_total");

        assertEquals(502, client.get(node, "/p2/acme/probe.json").statusCode());

        assertEquals(fetches + 1, client.metric(node, "metamirror_fallback_fetches_total"));
        assertEquals(
            1.0,
            client.metric(node, "metamirror_fallback_circuit_open"),
            "the origin is still down: the probe's failure opens the circuit at once");
      }
    }
  }

  @Test
  void missIs502OnceTheFallbackTimeoutPassesWhileTheOriginHoldsItsAnswer() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, Map.of("packages.json", PACKAGES));
        OriginFaultSeam seam = OriginFaultSeam.start(bed.origin().uri())) {
      MirrorNodeConfig config =
          withFallback(
              bed.config("n", seam.uri(), bed.origin().uri()), ofMillis(300), ofSeconds(5));
      try (MirrorNode node = bed.startCaughtUp(config)) {
        seam.holdAnswers();

        // The seam never answers while held: any answer at all is the node's own timeout.
        HttpResponse<byte[]> miss = bed.client().get(node, "/p2/acme/slow.json");

        assertEquals(502, miss.statusCode());
        assertEquals("origin", header(miss, "X-Metamirror-Source"));
        assertNotNull(HttpsClient.text(miss));
        assertEquals(1, seam.requestsFor("/p2/acme/slow.json"));
        assertEquals(200, bed.client().get(node, "/packages.json").statusCode());
        seam.releaseAnswers();
      }
    }
  }

  /** What these tests vary: how long a fetch may take, how long an open circuit stays open. */
  private static MirrorNodeConfig withFallback(
      MirrorNodeConfig config, Duration timeout, Duration circuitOpenFor) {
    return config.withFallback(ofSeconds(1), timeout, ofSeconds(5), circuitOpenFor);
  }

  /** With the origin down: as many misses as open the circuit, each a 502 on the origin's side. */
  private static void missUntilTheCircuitOpens(HttpsClient client, MirrorNode node)
      throws IOException, InterruptedException {
    for (int i = 0; i < OriginFallback.FAILURES_TO_OPEN; i++) {
      HttpResponse<byte[]> miss = client.get(node, "/p2/acme/missing-" + i + ".json");
      assertEquals(502, miss.statusCode(), "miss " + i);
      assertEquals("origin", header(miss, "X-Metamirror-Source"));
    }
  }
}
