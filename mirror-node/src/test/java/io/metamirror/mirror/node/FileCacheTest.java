package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.Sha256;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-memory cache of small files, as a client sees it: a repeated hit comes from memory, a
 * commit is visible to the very next request, and what the cache holds is always the listed
 * version.
 */
class FileCacheTest {
  private static final String WIDGET = "p2/acme/widget.json";

  @TempDir Path dir;

  /** Compressible (so it has a twin), and the same length for every {@code version}. */
  private static byte[] widget(int version) {
    StringBuilder b = new StringBuilder("{\"packages\":{\"acme/widget\":[");
    for (int i = 0; i < 100; i++) {
      b.append("{\"version\":\"").append(version).append('.').append(i % 10).append(".0\"},");
    }
    return b.append("{}]}}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gunzip(byte[] gzip) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    }
  }

  @Test
  void requestRightAfterACommitGetsTheNewBytesAndTheNewEtag() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, Map.of(WIDGET, widget(1)));
        MirrorNode node = bed.startCaughtUp(bed.config("n"))) {
      HttpsClient client = bed.client();
      HttpResponse<byte[]> old = client.get(node, "/" + WIDGET);
      HttpResponse<byte[]> oldGzip = client.get(node, "/" + WIDGET, "Accept-Encoding", "gzip");
      double misses = client.metric(node, "metamirror_file_cache_misses_total");
      client.get(node, "/" + WIDGET);
      assertEquals(misses, client.metric(node, "metamirror_file_cache_misses_total"));
      assertEquals(1.0, client.metric(node, "metamirror_file_cache_files"));
      assertEquals("gzip", header(oldGzip, "Content-Encoding"));

      long next = bed.origin().publish(Map.of(WIDGET, widget(2)));
      TestNodes.awaitCaughtUp(node, next);
      HttpResponse<byte[]> plain = client.get(node, "/" + WIDGET);
      HttpResponse<byte[]> gzip = client.get(node, "/" + WIDGET, "Accept-Encoding", "gzip");
      HttpResponse<byte[]> revalidated =
          client.get(node, "/" + WIDGET, "If-None-Match", header(old, "ETag"));

      String sha = Sha256.of(widget(2)).hex();
      assertEquals(widget(1).length, widget(2).length, "only the content tells them apart");
      assertArrayEquals(widget(2), plain.body());
      assertEquals('"' + sha + '"', header(plain, "ETag"));
      assertEquals("local", header(plain, "X-Metamirror-Source"));
      assertEquals(Long.toString(next), header(plain, "X-Metamirror-Seq"));
      assertArrayEquals(widget(2), gunzip(gzip.body()));
      assertEquals('"' + sha + "-gzip\"", header(gzip, "ETag"));
      assertEquals(200, revalidated.statusCode());
      assertArrayEquals(widget(2), revalidated.body());
    }
  }

  /**
   * Bytes on disk that are not the version the manifest lists (between the agent's rename and its
   * commit, or after damage) are neither served nor cached: the origin answers (issue 17 item 5).
   */
  @Test
  void fileThatIsNotItsManifestEntryIsNeitherServedNorCached() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, Map.of(WIDGET, widget(1)));
        MirrorNode node = bed.startCaughtUp(bed.config("n"))) {
      HttpsClient client = bed.client();
      Files.write(dir.resolve("n").resolve(WIDGET), widget(2));

      HttpResponse<byte[]> first = client.get(node, "/" + WIDGET);

      assertEquals("origin", header(first, "X-Metamirror-Source"));
      assertArrayEquals(widget(1), first.body());
      assertEquals(0.0, client.metric(node, "metamirror_file_cache_files"));
    }
  }

  @Test
  void withTheCacheOffAndForLargeFilesEveryHeaderRuleStillHolds() throws Exception {
    byte[] large = new byte[200 * 1024];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) ('a' + (i * 7 % 13)); // compressible: it gets a twin
    }
    try (NodeTestbed bed =
            NodeTestbed.start(dir, Map.of(WIDGET, widget(1), "p2/acme/large.json", large));
        MirrorNode node = bed.startCaughtUp(bed.config("n").withFileCache(0))) {
      TestOrigin origin = bed.origin();
      HttpsClient client = bed.client();
      for (String path : new String[] {WIDGET, "p2/acme/large.json"}) {
        byte[] content = path.equals(WIDGET) ? widget(1) : large;
        HttpResponse<byte[]> plain = client.get(node, "/" + path);
        HttpResponse<byte[]> gzip = client.get(node, "/" + path, "Accept-Encoding", "gzip");
        HttpResponse<byte[]> notModified =
            client.get(
                node, "/" + path, "Accept-Encoding", "gzip", "If-None-Match", header(gzip, "ETag"));

        assertArrayEquals(content, plain.body(), path);
        assertEquals('"' + origin.sha256(path) + '"', header(plain, "ETag"), path);
        assertEquals("Accept-Encoding", header(plain, "Vary"), path);
        assertArrayEquals(content, gunzip(gzip.body()), path);
        assertEquals('"' + origin.sha256(path) + "-gzip\"", header(gzip, "ETag"), path);
        assertEquals(304, notModified.statusCode(), path);
        assertEquals(header(plain, "Last-Modified"), header(notModified, "Last-Modified"));
        assertNotEquals(null, header(notModified, "Cache-Control"), path);
      }
      assertEquals(0.0, client.metric(node, "metamirror_file_cache_files"));
      assertTrue(client.metric(node, "metamirror_file_cache_misses_total") >= 6);
    }
  }
}
