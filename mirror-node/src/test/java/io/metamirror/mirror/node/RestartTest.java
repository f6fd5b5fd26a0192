package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metamirror.protocol.health.SyncState;
import io.metamirror.testsupport.poll.Polling;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node restarted on the store it had serves that store at once; it does not bootstrap again. */
class RestartTest {
  private static final String WIDGET = "p2/acme/widget.json";
  private static final byte[] WIDGET_V1 =
      "{\"packages\":{\"acme/widget\":[]}}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void nodeRestartedOnItsStoreServesAtOnceEvenWithTheOriginDown() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, Map.of(WIDGET, WIDGET_V1))) {
      long head = bed.origin().head();
      HttpsClient client = bed.client();
      MirrorNodeConfig config = bed.config("n");
      HttpResponse<byte[]> before;
      try (MirrorNode node = bed.startCaughtUp(config)) {
        before = client.get(node, "/" + WIDGET);
      }
      // With the origin down a bootstrap is impossible: whatever is served comes from the store.
      bed.origin().stop();

      try (MirrorNode again = MirrorNode.start(config)) {
        HttpResponse<byte[]> after = client.get(again, "/" + WIDGET);

        assertEquals(200, after.statusCode());
        assertEquals("local", header(after, "X-Metamirror-Source"));
        assertArrayEquals(WIDGET_V1, after.body());
        assertEquals(header(before, "ETag"), header(after, "ETag"));
        assertEquals(header(before, "Last-Modified"), header(after, "Last-Modified"));
        assertEquals(Long.toString(head), header(after, "X-Metamirror-Seq"));
        assertEquals(head, again.syncStatus().appliedSeq());

        Polling.await(
            "the agent to find the origin down",
            () -> again.syncStatus().state() != SyncState.STARTING);
        HttpsClient.Health health = client.health(again);
        assertEquals(200, health.status(), health.body().toString());
        assertEquals("ok", health.body().get("status").asText());
      }
    }
  }

  @Test
  void nodeRestartedOnItsStoreServesAtOnceAndFollowsTheOriginOn() throws Exception {
    byte[] next = "{\"packages\":{\"acme/widget\":[{}]}}".getBytes(StandardCharsets.UTF_8);
    try (NodeTestbed bed = NodeTestbed.start(dir, Map.of(WIDGET, WIDGET_V1))) {
      HttpsClient client = bed.client();
      MirrorNodeConfig config = bed.config("n");
      try (MirrorNode node = bed.startCaughtUp(config)) {
        assertEquals(200, client.get(node, "/" + WIDGET).statusCode());
      }

      try (MirrorNode again = MirrorNode.start(config)) {
        HttpResponse<byte[]> after = client.get(again, "/" + WIDGET);
        assertEquals(200, after.statusCode());
        assertEquals("local", header(after, "X-Metamirror-Source"));
        assertArrayEquals(WIDGET_V1, after.body());

        long second = bed.origin().publish(Map.of(WIDGET, next));
        TestNodes.awaitCaughtUp(again, second);
        assertArrayEquals(next, client.get(again, "/" + WIDGET).body());
        HttpsClient.Health health = client.health(again);
        assertEquals(200, health.status(), health.body().toString());
      }
    }
  }

  @Test
  void nodeRestartedOnACaughtUpStoreIsHealthyAtOnceItIsNotBootstrapping() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, Map.of(WIDGET, WIDGET_V1))) {
      HttpsClient client = bed.client();
      MirrorNodeConfig config = bed.config("n");
      try (MirrorNode node = bed.startCaughtUp(config)) {
        assertEquals(200, client.health(node).status());
      }

      // The origin is up and has nothing new: the agent's first feed request is a long poll
      // that the origin parks; that must not read as "bootstrapping" (a rolling restart would
      // take every node out of DNS for the length of the poll).
      try (MirrorNode again = MirrorNode.start(config)) {
        HttpsClient.Health health = client.health(again);

        assertEquals(200, health.status(), health.body().toString());
        assertEquals("ok", health.body().get("status").asText());
        assertEquals(bed.origin().head(), health.body().get("appliedSeq").asLong());
        assertEquals(200, client.get(again, "/" + WIDGET).statusCode());
      }
    }
  }
}
