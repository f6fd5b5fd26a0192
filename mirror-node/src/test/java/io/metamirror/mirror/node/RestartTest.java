package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metamirror.protocol.health.SyncState;
import io.metamirror.testsupport.origin.TestOrigin;
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

  @TempDir Path dir;

  @Test
  void nodeRestartedOnItsStoreServesAtOnceEvenWithTheOriginDown() throws Exception {
    byte[] widget = "{\"packages\":{\"acme/widget\":[]}}".getBytes(StandardCharsets.UTF_8);
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"))) {
      long head = origin.publish(Map.of(WIDGET, widget));
      TestTls tls = TestTls.create(dir.resolve("tls"));
      HttpsClient client = new HttpsClient(tls);
      MirrorNodeConfig config = TestNodes.config(origin.uri(), dir.resolve("n"), tls, "n");
      HttpResponse<byte[]> before;
      try (MirrorNode node = TestNodes.startCaughtUp(config, head)) {
        before = client.get(node, "/" + WIDGET);
      }
      // With the origin down a bootstrap is impossible: whatever is served comes from the store.
      origin.stop();

      try (MirrorNode again = MirrorNode.start(config)) {
        HttpResponse<byte[]> after = client.get(again, "/" + WIDGET);

        assertEquals(200, after.statusCode());
        assertEquals("local", header(after, "X-Metamirror-Source"));
        assertArrayEquals(widget, after.body());
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
    byte[] widget = "{\"packages\":{\"acme/widget\":[]}}".getBytes(StandardCharsets.UTF_8);
    byte[] next = "{\"packages\":{\"acme/widget\":[{}]}}".getBytes(StandardCharsets.UTF_8);
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"))) {
      long head = origin.publish(Map.of(WIDGET, widget));
      TestTls tls = TestTls.create(dir.resolve("tls"));
      HttpsClient client = new HttpsClient(tls);
      MirrorNodeConfig config = TestNodes.config(origin.uri(), dir.resolve("n"), tls, "n");
      try (MirrorNode node = TestNodes.startCaughtUp(config, head)) {
        assertEquals(200, client.get(node, "/" + WIDGET).statusCode());
      }

      try (MirrorNode again = MirrorNode.start(config)) {
        HttpResponse<byte[]> after = client.get(again, "/" + WIDGET);
        assertEquals(200, after.statusCode());
        assertEquals("local", header(after, "X-Metamirror-Source"));
        assertArrayEquals(widget, after.body());

        long second = origin.publish(Map.of(WIDGET, next));
        TestNodes.awaitCaughtUp(again, second);
        assertArrayEquals(next, client.get(again, "/" + WIDGET).body());
        HttpsClient.Health health = client.health(again);
        assertEquals(200, health.status(), health.body().toString());
      }
    }
  }

  @Test
  void nodeRestartedOnACaughtUpStoreIsHealthyAtOnceItIsNotBootstrapping() throws Exception {
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"))) {
      long head = origin.publish(Map.of(WIDGET, "{}".getBytes(StandardCharsets.UTF_8)));
      TestTls tls = TestTls.create(dir.resolve("tls"));
      HttpsClient client = new HttpsClient(tls);
      MirrorNodeConfig config = TestNodes.config(origin.uri(), dir.resolve("n"), tls, "n");
      try (MirrorNode node = TestNodes.startCaughtUp(config, head)) {
        assertEquals(200, client.health(node).status());
      }

      // The origin is up and has nothing new: the agent's first feed request is a long poll
      // that the origin parks; that must not read as "bootstrapping" (a rolling restart would
      // take every node out of DNS for the length of the poll).
      try (MirrorNode again = MirrorNode.start(config)) {
        HttpsClient.Health health = client.health(again);

        assertEquals(200, health.status(), health.body().toString());
        assertEquals("ok", health.body().get("status").asText());
        assertEquals(head, health.body().get("appliedSeq").asLong());
        assertEquals(200, client.get(again, "/" + WIDGET).statusCode());
      }
    }
  }
}
