package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static io.metamirror.mirror.node.StoreDamage.flipped;
import static io.metamirror.mirror.node.StoreDamage.gzip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import io.metamirror.sync.store.LocalFile;
import io.metamirror.testsupport.poll.Polling;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background scrub (issue 17 item 5) finds what the check at first serve cannot: a damaged file
 * nobody asked for, and a file that rots after it was served without its size or mtime moving. A
 * real node on loopback, with a scrub period of a second so that passes follow each other.
 */
class StoreScrubTest {
  private static final String WIDGET = "p2/acme/widget.json";
  private static final String BIG = "p2/acme/big.json";
  private static final String SCRUB_MISMATCHES = "metamirror_mirror_scrub_mismatches_total";
  private static final String LAST_PASS = "metamirror_mirror_scrub_last_pass_completed_seconds";
  private static final String FAILURES = "metamirror_mirror_integrity_failures_total";
  private static final Duration FAST = Duration.ofSeconds(1);

  @TempDir Path dir;
  private final Map<String, byte[]> files = new LinkedHashMap<>();

  private NodeTestbed testbed() throws IOException {
    files.put(WIDGET, TestPackages.metadata("acme/widget", 50));
    files.put(BIG, TestPackages.metadata("acme/big", 3000));
    return NodeTestbed.start(dir, files);
  }

  private Path stored(String path) {
    return dir.resolve("a").resolve(path);
  }

  private void awaitScrubFound(NodeTestbed testbed, MirrorNode node) throws Exception {
    Polling.await(
        "the scrub to find the damaged file",
        () -> testbed.client().metric(node, SCRUB_MISMATCHES) == 1.0);
    assertEquals(1.0, testbed.client().metric(node, FAILURES));
  }

  private void assertRepaired(NodeTestbed testbed, MirrorNode node, String path) throws Exception {
    StoreDamage.assertRepaired(testbed, node, dir.resolve("a"), path, files.get(path));
  }

  @Test
  void aDamagedFileNobodyRequestedIsFoundCountedAndRepairedInPlace() throws Exception {
    try (NodeTestbed testbed = testbed()) {
      MirrorNode node = testbed.startCaughtUp(testbed.config("a").withScrubPeriod(FAST));
      try {
        Files.write(stored(WIDGET), flipped(files.get(WIDGET)));

        awaitScrubFound(testbed, node);
        assertRepaired(testbed, node, WIDGET);
        assertEquals(1.0, testbed.client().metric(node, SCRUB_MISMATCHES));
      } finally {
        node.close();
      }
    }
  }

  @Test
  void aFileThatRotsAfterItWasServedKeepingSizeAndMtimeIsNotServedAgain() throws Exception {
    try (NodeTestbed testbed = testbed()) {
      MirrorNode node = testbed.startCaughtUp(testbed.config("a").withScrubPeriod(FAST));
      try {
        byte[] big = files.get(BIG);
        assertArrayEquals(big, testbed.client().get(node, "/" + BIG).body()); // checked: good
        Path file = stored(BIG);
        FileTime mtime = Files.getLastModifiedTime(file);
        Files.write(file, flipped(big), StandardOpenOption.WRITE); // same inode, same size
        Files.setLastModifiedTime(file, mtime);

        awaitScrubFound(testbed, node);
        for (int i = 0; i < 3; i++) {
          HttpResponse<byte[]> response = testbed.client().get(node, "/" + BIG);
          assertEquals(200, response.statusCode());
          assertArrayEquals(big, response.body(), "never the damaged bytes");
        }
        assertRepaired(testbed, node, BIG);
      } finally {
        node.close();
      }
    }
  }

  @Test
  void aDamagedTwinIsFoundAndRepairedAGzipClientNeverGetsIt() throws Exception {
    try (NodeTestbed testbed = testbed()) {
      MirrorNode node = testbed.startCaughtUp(testbed.config("a").withScrubPeriod(FAST));
      try {
        Path twin = stored(WIDGET + ".gz");
        assertTrue(Files.exists(twin), "the store has a twin to damage");
        Files.write(twin, gzip(flipped(files.get(WIDGET))));

        awaitScrubFound(testbed, node);
        HttpResponse<byte[]> response =
            testbed.client().get(node, "/" + WIDGET, "Accept-Encoding", "gzip");
        byte[] body =
            "gzip".equals(header(response, "Content-Encoding"))
                ? new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes()
                : response.body();
        assertArrayEquals(files.get(WIDGET), body);
        assertRepaired(testbed, node, WIDGET);
      } finally {
        node.close();
      }
    }
  }

  @Test
  void aFileTheAgentReplacesWhileTheScrubHashesItIsNotCountedAsDamage() throws Exception {
    try (NodeTestbed testbed = testbed()) {
      MirrorNode node = testbed.startCaughtUp(testbed.config("a").withScrubPeriod(FAST));
      try {
        byte[] newer = TestPackages.metadata("acme/widget", 51);
        Sha256 newerSha = Sha256.of(newer);
        AtomicBoolean replaced = new AtomicBoolean();
        // Between the scrub's listing of the old version and its hash, a page installs the new
        // one: the file on disk is not the version the scrub hashes it against.
        node.scrub()
            .beforeHashing(
                entry -> {
                  if (entry.path().value().equals(WIDGET) && !replaced.get()) {
                    publishAndAwait(testbed, node, WIDGET, newer, newerSha);
                    replaced.set(true);
                  }
                });
        Polling.await("the scrub to reach the widget", replaced::get);
        double completedBefore = node.scrub().lastPassCompletedSeconds();
        Polling.await(
            "the pass to end", () -> node.scrub().lastPassCompletedSeconds() > completedBefore);

        assertEquals(0.0, testbed.client().metric(node, SCRUB_MISMATCHES));
        assertEquals(0.0, testbed.client().metric(node, FAILURES));
        assertArrayEquals(newer, Files.readAllBytes(stored(WIDGET)));
      } finally {
        node.close();
      }
    }
  }

  /** On the scrub's thread: publishes {@code content} and waits until the node's store lists it. */
  private static void publishAndAwait(
      NodeTestbed testbed, MirrorNode node, String path, byte[] content, Sha256 sha) {
    try {
      testbed.origin().publish(Map.of(path, content));
      Polling.await(
          "the node to apply the new " + path,
          () -> {
            LocalFile f = node.store().file(ContentPath.parse(path));
            return f != null && f.sha256().equals(sha);
          });
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void withTheScrubOffThereIsNoScrubThreadAndNoScrubMetrics() throws Exception {
    try (NodeTestbed testbed = NodeTestbed.start(dir)) {
      MirrorNode node = testbed.startCaughtUp(testbed.config("a").withScrubPeriod(Duration.ZERO));
      try {
        assertNull(node.scrub());
        assertFalse(scrubThreadRuns(node));
        String metrics =
            new String(
                testbed.client().get(node, "/.metamirror/metrics").body(), StandardCharsets.UTF_8);
        assertFalse(metrics.contains("metamirror_mirror_scrub_"), metrics);
      } finally {
        node.close();
      }
    }
  }

  @Test
  void withTheScrubOnItsThreadRunsUntilTheNodeCloses() throws Exception {
    try (NodeTestbed testbed = NodeTestbed.start(dir)) {
      MirrorNode node = testbed.startCaughtUp(testbed.config("a"));
      try {
        assertTrue(scrubThreadRuns(node));
      } finally {
        node.close();
      }
      assertFalse(scrubThreadRuns(node));
    }
  }

  @Test
  void aRestartedNodeReportsThePassItCompletedBeforeTheRestart() throws Exception {
    try (NodeTestbed testbed = testbed()) {
      MirrorNodeConfig config = testbed.config("a").withScrubPeriod(Duration.ofHours(1));
      MirrorNode node = testbed.startCaughtUp(config);
      double completed;
      try {
        Polling.await("a first pass", () -> node.scrub().lastPassCompletedSeconds() > 0);
        completed = testbed.client().metric(node, LAST_PASS);
      } finally {
        node.close();
      }

      MirrorNode again = MirrorNode.start(config);
      try {
        assertTrue(completed > 0);
        assertEquals(completed, testbed.client().metric(again, LAST_PASS));
      } finally {
        again.close();
      }
    }
  }

  private static boolean scrubThreadRuns(MirrorNode node) {
    String name = StoreScrub.threadName(node.store());
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }
}
