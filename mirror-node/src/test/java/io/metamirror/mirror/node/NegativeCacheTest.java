package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An origin 404 is remembered briefly so that a crowd asking for a missing package does not hammer
 * the origin, but it never outlives the feed bringing that path: a wrong 404 makes Composer give up
 * on the package for the whole run.
 */
class NegativeCacheTest {
  private static final String LATER = "p2/acme/later.json";

  @TempDir Path dir;

  @Test
  void originNotFoundIsRememberedWithinTheTtlAndTheFeedBringingThePathEndsIt() throws Exception {
    byte[] body = "{\"packages\":{\"acme/later\":[]}}".getBytes(StandardCharsets.UTF_8);
    try (NodeTestbed bed = NodeTestbed.start(dir);
        OriginFaultSeam seam = OriginFaultSeam.start(bed.origin().uri())) {
      HttpsClient client = bed.client();
      MirrorNodeConfig config =
          bed.config("b", seam.uri(), bed.origin().uri())
              // A TTL far beyond the test's length: waiting cannot be what ends the 404.
              .withFallback(
                  Duration.ofSeconds(2),
                  Duration.ofSeconds(5),
                  Duration.ofSeconds(60),
                  Duration.ofSeconds(5));
      try (MirrorNode b = bed.startCaughtUp(config)) {
        b.pauseSync();

        HttpResponse<byte[]> miss = client.get(b, "/" + LATER);
        assertEquals(404, miss.statusCode());
        assertEquals("origin", header(miss, "X-Metamirror-Source"));
        assertEquals(1, seam.requestsFor("/" + LATER));

        HttpResponse<byte[]> again = client.get(b, "/" + LATER);
        assertEquals(404, again.statusCode());
        assertEquals("origin", header(again, "X-Metamirror-Source"));
        assertEquals(1, seam.requestsFor("/" + LATER), "the second 404 came from the cache");

        long second = bed.origin().publish(Map.of(LATER, body));
        b.resumeSync();
        TestNodes.awaitCaughtUp(b, second);

        HttpResponse<byte[]> hit = client.get(b, "/" + LATER);
        assertEquals(200, hit.statusCode());
        assertEquals("local", header(hit, "X-Metamirror-Source"));
        assertArrayEquals(body, hit.body());
        assertEquals(1, seam.requestsFor("/" + LATER));
      }
    }
  }

  @Test
  void rememberedNotFoundOfOnePathDoesNotHideAnother() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir);
        OriginFaultSeam seam = OriginFaultSeam.start(bed.origin().uri())) {
      HttpsClient client = bed.client();
      try (MirrorNode b = bed.startCaughtUp(bed.config("b", seam.uri(), bed.origin().uri()))) {
        b.pauseSync();
        assertEquals(404, client.get(b, "/p2/acme/one.json").statusCode());
        bed.origin().publish(Map.of("p2/acme/two.json", "{}".getBytes(StandardCharsets.UTF_8)));

        HttpResponse<byte[]> two = client.get(b, "/p2/acme/two.json");

        assertEquals(200, two.statusCode());
        assertEquals("origin", header(two, "X-Metamirror-Source"));
        assertEquals(1, seam.requestsFor("/p2/acme/two.json"));
      }
    }
  }
}
