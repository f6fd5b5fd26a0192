package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.metamirror.protocol.ContentPath;
import io.metamirror.testsupport.origin.TestOrigin;
import io.metamirror.testsupport.poll.Polling;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication race (composer/mirror#3): a file is new at the origin, one node has it and
 * another has not applied it yet. The lagging node must answer it from the origin, never 404, and a
 * crowd asking for it at once must cost the origin one request.
 */
class ReplicationRaceTest {
  private static final String NEW = "p2/acme/new.json";

  @TempDir Path dir;

  @Test
  void laggingNodeAnswersANewFileFromTheOriginWithOneOriginRequestForAHundredClients()
      throws Exception {
    byte[] body = "{\"packages\":{\"acme/new\":[{\"version\":\"1.0.0\"}]}}".getBytes(UTF8);
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"));
        OriginFaultSeam seam = OriginFaultSeam.start(origin.uri())) {
      long first = origin.publish(Map.of("packages.json", "{}".getBytes(UTF8)));
      TestTls tls = TestTls.create(dir.resolve("tls"));
      HttpsClient client = new HttpsClient(tls);
      try (MirrorNode a =
              TestNodes.startCaughtUp(
                  TestNodes.config(origin.uri(), dir.resolve("a"), tls, "a"), first);
          MirrorNode b =
              TestNodes.startCaughtUp(
                  TestNodes.config(seam.uri(), origin.uri(), dir.resolve("b"), tls, "b")
                      .withFallback(
                          java.time.Duration.ofSeconds(2),
                          java.time.Duration.ofSeconds(15),
                          java.time.Duration.ofSeconds(5),
                          java.time.Duration.ofSeconds(5)),
                  first)) {
        b.pauseSync();
        long second = origin.publish(Map.of(NEW, body));
        TestNodes.awaitCaughtUp(a, second);

        HttpResponse<byte[]> fromA = client.get(a, "/" + NEW);
        assertEquals(200, fromA.statusCode());
        assertEquals("local", header(fromA, "X-Metamirror-Source"));
        assertArrayEquals(body, fromA.body());
        assertEquals(first, b.syncStatus().appliedSeq(), "B is held before the new file");

        seam.holdAnswers();
        List<CompletableFuture<HttpResponse<byte[]>>> crowd = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          crowd.add(client.getAsync(b, "/" + NEW));
        }
        // Answers are held at the seam until all 100 are waiting on B, so they surely overlap:
        // each either joined a fetch in flight or started one (which the seam counted).
        Polling.await(
            "all 100 requests to wait on an origin fetch",
            () ->
                client.metric(b, "metamirror_fallback_coalesced_total")
                        + seam.requestsFor("/" + NEW)
                    >= 100);
        seam.releaseAnswers();

        for (CompletableFuture<HttpResponse<byte[]>> f : crowd) {
          HttpResponse<byte[]> r = f.get(20, TimeUnit.SECONDS);
          assertEquals(200, r.statusCode());
          assertEquals("origin", header(r, "X-Metamirror-Source"));
          assertArrayEquals(body, r.body());
          // Fleet-consistent validators, also through the fallback.
          assertEquals(header(fromA, "ETag"), header(r, "ETag"));
          assertEquals(header(fromA, "Last-Modified"), header(r, "Last-Modified"));
        }
        assertEquals(1, seam.requestsFor("/" + NEW), "origin requests for " + NEW);
        assertNull(b.store().file(ContentPath.parse(NEW)), "a fallback never writes the store");
        assertFalse(Files.exists(dir.resolve("b").resolve(NEW)));

        b.resumeSync();
        TestNodes.awaitCaughtUp(b, second);
        HttpResponse<byte[]> later = client.get(b, "/" + NEW);
        assertEquals("local", header(later, "X-Metamirror-Source"));
        assertArrayEquals(body, later.body());
      }
    }
  }

  @Test
  void laggingNodeAnswersANewFileFromTheOriginForGzipAndConditionalClientsToo() throws Exception {
    // Over CompressedTypes.MIN_GZIP_BYTES, so that the origin gzips it.
    byte[] body =
        ("{\"packages\":{\"acme/other\":[{\"description\":\"" + "other ".repeat(200) + "\"}]}}")
            .getBytes(UTF8);
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"))) {
      long first = origin.publish(Map.of("packages.json", "{}".getBytes(UTF8)));
      TestTls tls = TestTls.create(dir.resolve("tls"));
      HttpsClient client = new HttpsClient(tls);
      try (MirrorNode b =
          TestNodes.startCaughtUp(
              TestNodes.config(origin.uri(), dir.resolve("b"), tls, "b"), first)) {
        b.pauseSync();
        origin.publish(Map.of("p2/acme/other.json", body));

        HttpResponse<byte[]> r = client.get(b, "/p2/acme/other.json", "Accept-Encoding", "gzip");
        assertEquals(200, r.statusCode());
        assertEquals("origin", header(r, "X-Metamirror-Source"));
        // The origin's gzip, passed through (issue 17, item 2).
        assertEquals("gzip", header(r, "Content-Encoding"));
        assertArrayEquals(
            body,
            new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body()))
                .readAllBytes());
        assertEquals("application/json", header(r, "Content-Type"));

        HttpResponse<byte[]> again =
            client.get(b, "/p2/acme/other.json", "If-Modified-Since", header(r, "Last-Modified"));
        assertEquals(304, again.statusCode());
        assertEquals(header(r, "Last-Modified"), header(again, "Last-Modified"));
        assertEquals("origin", header(again, "X-Metamirror-Source"));
      }
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;
}
