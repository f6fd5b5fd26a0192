package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.metamirror.testsupport.poll.Polling;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drain: health turns 503 first so DNS moves clients away, the node keeps answering through the
 * grace period, then stops. Only the admin token may ask for it.
 */
class DrainTest {
  /** What one request of the loop got: a status, or -1 for a connection failure. */
  private static final int CONNECTION_FAILED = -1;

  private static final String DRAIN = "/.metamirror/admin/drain";

  @TempDir Path dir;

  @Test
  void drainTurnsHealthTo503AtOnceKeepsAnsweringThroughTheGraceAndThenStops() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir)) {
      HttpsClient client = bed.client();
      HttpsClient loopClient = new HttpsClient(bed.tls());
      MirrorNodeConfig config =
          bed.config("n").withAdminToken("x").withDrainGrace(Duration.ofSeconds(1));
      try (MirrorNode node = bed.startCaughtUp(config)) {
        List<Integer> outcomes = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread loop =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    try {
                      HttpResponse<byte[]> r = loopClient.get(node, "/packages.json");
                      outcomes.add(r.statusCode());
                    } catch (IOException e) {
                      outcomes.add(CONNECTION_FAILED);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                },
                "test-request-loop");
        loop.start();
        Polling.await("the loop to get going", () -> outcomes.size() >= 3);

        HttpResponse<byte[]> drain = postDrain(client, node, "Authorization", "Bearer x");
        assertEquals(202, drain.statusCode(), HttpsClient.text(drain));

        HttpsClient.Health health = client.health(node);
        assertEquals(503, health.status());
        assertEquals("draining", health.body().get("status").asText());
        int afterHealthTurned = outcomes.size();
        Polling.await(
            "the loop to be answered while health says 503",
            () -> outcomes.size() > afterHealthTurned);

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(node::awaitStopped);
        stopped.get(20, TimeUnit.SECONDS);
        stop.set(true);
        loop.join(TimeUnit.SECONDS.toMillis(20));

        int firstFailure = 0;
        while (firstFailure < outcomes.size() && outcomes.get(firstFailure) == 200) {
          firstFailure++;
        }
        assertTrue(
            firstFailure > afterHealthTurned,
            "the loop was answered 200 after health turned 503: " + outcomes);
        for (int i = firstFailure; i < outcomes.size(); i++) {
          int o = outcomes.get(i);
          // Once the grace is over the listener is closed: refused, never a 503.
          if (o != CONNECTION_FAILED) {
            fail("request " + i + " got " + o + " after the first failure; all: " + outcomes);
          }
        }
      }
    }
  }

  @Test
  void drainWithoutTheTokenIs401AndChangesNothing() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir);
        MirrorNode node = bed.startCaughtUp(bed.config("n").withAdminToken("x"))) {
      HttpsClient client = bed.client();
      assertEquals(401, postDrain(client, node).statusCode());
      assertEquals(401, postDrain(client, node, "Authorization", "Bearer y").statusCode());
      assertEquals(401, postDrain(client, node, "Authorization", "Basic eDp4").statusCode());

      assertEquals(200, client.health(node).status());
      assertEquals(200, client.get(node, "/packages.json").statusCode());
      assertTrue(!node.draining());
    }
  }

  @Test
  void drainOnANodeWithoutAnAdminTokenIs403WhateverIsSent() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir);
        MirrorNode node = bed.startCaughtUp(bed.config("n"))) {
      assertEquals(403, postDrain(bed.client(), node).statusCode());
      assertEquals(403, postDrain(bed.client(), node, "Authorization", "Bearer null").statusCode());
      assertEquals(200, bed.client().health(node).status());
    }
  }

  @Test
  void drainEndpointAnswersGetWith405AndAllowPost() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir);
        MirrorNode node = bed.startCaughtUp(bed.config("n").withAdminToken("x"))) {
      HttpResponse<byte[]> r = bed.client().get(node, DRAIN, "Authorization", "Bearer x");

      assertEquals(405, r.statusCode());
      assertEquals("POST", header(r, "Allow"));
      assertEquals(200, bed.client().health(node).status(), "a GET does not drain");
    }
  }

  private static HttpResponse<byte[]> postDrain(
      HttpsClient client, MirrorNode node, String... headers)
      throws IOException, InterruptedException {
    return client.send(node, "POST", DRAIN, headers);
  }
}
