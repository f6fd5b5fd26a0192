package io.metamirror.sync.agent;

import static io.metamirror.sync.agent.StatusPolling.awaitCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a plain web server with gzip_static would serve, read while the agent overwrites files: a
 * twin, when there is one, is always the twin of the file beside it at that moment (issue 17, item
 * 6). Either may be served for the same URL, so they must never be of different versions.
 */
class TwinConsistencyTest {
  private static final List<String> PATHS =
      List.of("p2/acme/a.json", "p2/acme/b.json", "packages.json");

  @TempDir Path tmp;

  @Test
  void aReaderNeverSeesATwinOfAnotherVersionThanItsFile() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"))) {
      for (String path : PATHS) {
        origin.publish(Map.of(path, content(path, 0)), List.of());
      }
      Path storeDir = tmp.resolve("store");
      try (Store store = Store.open(storeDir);
          SyncAgent agent =
              new SyncAgent(
                  store,
                  SyncAgent.Config.defaults(origin.uri()).withWaitSeconds(1),
                  Clock.systemUTC())) {
        agent.catchUp();
        agent.start();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong checks = new AtomicLong();
        List<String> mismatches = new CopyOnWriteArrayList<>();
        Thread reader =
            new Thread(
                () -> {
                  while (!done.get()) {
                    for (String path : PATHS) {
                      String mismatch = check(storeDir.resolve(path));
                      checks.incrementAndGet();
                      if (mismatch != null) {
                        mismatches.add(mismatch);
                      }
                    }
                  }
                });
        reader.start();
        long head = 0;
        try {
          for (int version = 1; version <= 300; version++) {
            String path = PATHS.get(version % PATHS.size());
            head = origin.publish(Map.of(path, content(path, version)), List.of());
          }
          awaitCaughtUp(agent, head);
        } finally {
          done.set(true);
          reader.join();
        }

        assertEquals(List.of(), mismatches.subList(0, Math.min(5, mismatches.size())));
        assertTrue(checks.get() > 300, "the reader looked often enough: " + checks.get());
        StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
      }
    }
  }

  /**
   * Reads the file, its twin, the file again. When the file did not change meanwhile (every
   * version's content is unique), a twin read in between must inflate to it. Returns what was
   * wrong, or null.
   */
  private static String check(Path file) {
    try {
      byte[] before = read(file);
      byte[] twin = read(Store.twinFile(file));
      byte[] after = read(file);
      if (before == null || twin == null || !Arrays.equals(before, after)) {
        return null;
      }
      byte[] inflated;
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(twin))) {
        inflated = in.readAllBytes();
      }
      return Arrays.equals(before, inflated)
          ? null
          : file.getFileName() + " is " + version(before) + ", its twin " + version(inflated);
    } catch (IOException e) {
      return file.getFileName() + ": " + e;
    }
  }

  private static byte[] read(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static String version(byte[] content) {
    String text = new String(content, java.nio.charset.StandardCharsets.UTF_8);
    return text.substring(0, text.indexOf(','));
  }

  /** Unique per version, and large enough to get a twin. */
  private static String content(String path, int version) {
    return "{\"version\":"
        + version
        + ",\"path\":\""
        + path
        + "\",\"pad\":\""
        + "ab".repeat(200)
        + "\"}";
  }
}
