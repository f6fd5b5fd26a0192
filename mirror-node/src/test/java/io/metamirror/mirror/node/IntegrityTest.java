package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static io.metamirror.mirror.node.StoreDamage.flipped;
import static io.metamirror.mirror.node.StoreDamage.gzip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file damaged on disk is never served (issue 17 item 5): the node checks a file against the
 * manifest's sha256 the first time it serves it, and a file that is not the listed version is
 * answered by the origin, counted and logged, and the sync agent re-fetches it into the store. Each
 * scenario runs with the in-memory cache of small files on (its fill checks) and off (reads from
 * disk check).
 */
class IntegrityTest {
  private static final String WIDGET = "p2/acme/widget.json";
  private static final String BIG = "p2/acme/big.json";
  private static final String FAILURES = "metamirror_mirror_integrity_failures_total";

  @TempDir Path dir;
  private final Map<String, byte[]> files = new LinkedHashMap<>();

  private NodeTestbed testbed() throws IOException {
    files.put(WIDGET, TestPackages.metadata("acme/widget", 50));
    files.put(BIG, TestPackages.metadata("acme/big", 3000));
    assertTrue(files.get(BIG).length > MirrorNode.SMALL_FILE_BYTES, "big is sent with sendfile");
    return NodeTestbed.start(dir, files);
  }

  private static MirrorNodeConfig config(NodeTestbed testbed, long fileCacheBytes) {
    MirrorNodeConfig config = testbed.config("a");
    return fileCacheBytes < 0 ? config : config.withFileCache(fileCacheBytes);
  }

  private void assertRepaired(NodeTestbed testbed, MirrorNode node, String path) throws Exception {
    StoreDamage.assertRepaired(testbed, node, dir.resolve("a"), path, files.get(path));
  }

  private void assertFromOrigin(HttpResponse<byte[]> response, byte[] expected) {
    assertEquals(200, response.statusCode());
    assertEquals("origin", header(response, "X-Metamirror-Source"));
    assertArrayEquals(expected, response.body());
  }

  @ParameterizedTest(name = "file cache bytes {0} (-1: default)")
  @ValueSource(longs = {-1, 0})
  void fileOverwrittenWithOtherBytesOfTheSameSizeIsAnsweredByTheOriginAfterARestart(
      long fileCacheBytes) throws Exception {
    try (NodeTestbed testbed = testbed()) {
      byte[] widget = files.get(WIDGET);
      MirrorNode node = testbed.startCaughtUp(config(testbed, fileCacheBytes));
      node.close();
      Files.write(dir.resolve("a").resolve(WIDGET), flipped(widget));

      node = MirrorNode.start(config(testbed, fileCacheBytes)); // serves its store at once
      try {
        assertFromOrigin(testbed.client().get(node, "/" + WIDGET), widget);
        assertEquals(1.0, testbed.client().metric(node, FAILURES));
        assertRepaired(testbed, node, WIDGET);
      } finally {
        node.close();
      }
    }
  }

  @ParameterizedTest(name = "file cache bytes {0} (-1: default)")
  @ValueSource(longs = {-1, 0})
  void fileTruncatedWhileTheNodeRunsIsAnsweredByTheOriginWhenFirstServed(long fileCacheBytes)
      throws Exception {
    try (NodeTestbed testbed = testbed()) {
      byte[] widget = files.get(WIDGET);
      MirrorNode node = testbed.startCaughtUp(config(testbed, fileCacheBytes));
      try {
        Files.write(dir.resolve("a").resolve(WIDGET), Arrays.copyOf(widget, widget.length / 2));

        assertFromOrigin(testbed.client().get(node, "/" + WIDGET), widget);
        assertEquals(1.0, testbed.client().metric(node, FAILURES));
        assertRepaired(testbed, node, WIDGET);
      } finally {
        node.close();
      }
    }
  }

  @Test
  void largeFileOverwrittenWithOtherBytesIsAnsweredByTheOrigin() throws Exception {
    try (NodeTestbed testbed = testbed()) {
      byte[] big = files.get(BIG);
      MirrorNode node = testbed.startCaughtUp(testbed.config("a"));
      try {
        Files.write(dir.resolve("a").resolve(BIG), flipped(big));
        Files.delete(dir.resolve("a").resolve(BIG + ".gz"));

        assertFromOrigin(testbed.client().get(node, "/" + BIG), big);
        assertEquals(1.0, testbed.client().metric(node, FAILURES));
        assertRepaired(testbed, node, BIG);
      } finally {
        node.close();
      }
    }
  }

  @ParameterizedTest(name = "file cache bytes {0} (-1: default)")
  @ValueSource(longs = {-1, 0})
  void twinThatInflatesToOtherBytesIsNeverServedAGzipClientGetsTheFile(long fileCacheBytes)
      throws Exception {
    try (NodeTestbed testbed = testbed()) {
      byte[] widget = files.get(WIDGET);
      MirrorNode node = testbed.startCaughtUp(config(testbed, fileCacheBytes));
      try {
        Path twin = dir.resolve("a").resolve(WIDGET + ".gz");
        assertTrue(Files.exists(twin), "the store has a twin to damage");
        Files.write(twin, gzip(flipped(widget)));

        HttpResponse<byte[]> response =
            testbed.client().get(node, "/" + WIDGET, "Accept-Encoding", "gzip");

        assertEquals(200, response.statusCode());
        assertNull(header(response, "Content-Encoding"));
        assertEquals("local", header(response, "X-Metamirror-Source"));
        assertArrayEquals(widget, response.body());
        assertEquals(1.0, testbed.client().metric(node, FAILURES));
        assertRepaired(testbed, node, WIDGET);
      } finally {
        node.close();
      }
    }
  }

  @Test
  void largeTwinThatIsNotGzipIsNeverServedAGzipClientGetsTheFile() throws Exception {
    try (NodeTestbed testbed = testbed()) {
      byte[] big = files.get(BIG);
      MirrorNode node = testbed.startCaughtUp(testbed.config("a"));
      try {
        Path twin = dir.resolve("a").resolve(BIG + ".gz");
        Files.write(twin, flipped(Files.readAllBytes(twin)));

        HttpResponse<byte[]> response =
            testbed.client().get(node, "/" + BIG, "Accept-Encoding", "gzip");

        assertEquals(200, response.statusCode());
        assertNull(header(response, "Content-Encoding"));
        assertEquals("local", header(response, "X-Metamirror-Source"));
        assertArrayEquals(big, response.body());
        assertEquals(1.0, testbed.client().metric(node, FAILURES));
        assertRepaired(testbed, node, BIG);
      } finally {
        node.close();
      }
    }
  }
}
