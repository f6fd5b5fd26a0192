package io.metamirror.sync.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.metamirror.testsupport.origin.TestOrigin;
import io.metamirror.testsupport.process.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real agent process (SIGKILL) while it bootstraps, from an empty store and from the
 * half-installed store an earlier kill left, and checks after each kill that no temp or partial
 * file is visible, every visible file and twin is whole and stamped with its entry time, and that a
 * restart completes the bootstrap.
 */
class KilledBootstrapTest {
  @TempDir Path tmp;

  @Test
  void anAgentKilledDuringBootstrapLeavesOnlyWholeFilesAndARestartCompletesIt() throws Exception {
    Random random = new Random(2027);
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"))) {
      // Several top-level directories (each moves into an empty store whole), a nested one, and
      // top-level files; an index published last, as publishers do.
      Map<String, String> tree = new TreeMap<>();
      for (int i = 0; i < 3000; i++) {
        String dir = i % 3 == 0 ? "p2/v" + (i % 40) : i % 3 == 1 ? "dists/s" + (i % 7) : "x";
        tree.put(
            dir + "/f" + i + ".json", "{\"i\":" + i + ",\"pad\":\"" + "ab".repeat(i % 300) + "\"}");
      }
      tree.put("top.json", "{\"top\":true}");
      origin.publish(tree, List.of());
      origin.publish(Map.of("packages.json", "{\"files\":" + tree.size() + "}"), List.of());
      Map<String, byte[]> expected = origin.tree();
      Map<String, Long> times = origin.times();
      long head = origin.head();

      // Killed at random moments of the unpacking into staging.
      int killedBeforeCursor = 0;
      for (int s = 0; s < 2; s++) {
        Path storeDir = tmp.resolve("killed-" + s);
        for (int k = 0; k < 3; k++) {
          Process agent = SyncProcessMain.start(origin.uri(), storeDir, 1000);
          awaitStaging(storeDir, agent);
          if (!agent.waitFor(random.nextInt(300), TimeUnit.MILLISECONDS)) {
            ChildJvm.kill(agent);
          }
          if (!Files.exists(storeDir.resolve(".metamirror/cursor"))) {
            killedBeforeCursor++;
          }
          assertOnlyWholeFiles(storeDir, expected, times);
        }
        assertCompletes(origin, storeDir, expected, times, head);
      }
      assertTrue(killedBeforeCursor >= 4, "kills landed during bootstrap: " + killedBeforeCursor);

      // Halted between install steps: after whole directories moved into an empty store; then,
      // restarted into that half-installed store, between files moved one by one into the
      // directories it has. The install steps here: dists/, p2/, top.json, x/, packages.json.
      for (int[] haltAfter : new int[][] {{2, 1500}, {4, 3}}) {
        Path storeDir = tmp.resolve("halted-" + haltAfter[0]);
        for (int steps : haltAfter) {
          Process agent = SyncProcessMain.start(origin.uri(), storeDir, 1000, steps);
          assertTrue(agent.waitFor(120, TimeUnit.SECONDS), "the agent halts");
          assertEquals(137, agent.exitValue(), "halted after " + steps + " install steps");
          assertTrue(!Files.exists(storeDir.resolve(".metamirror/cursor")), "no cursor yet");
          assertOnlyWholeFiles(storeDir, expected, times);
          assertTrue(!StoreAssertions.contentTree(storeDir).isEmpty(), "files are in place");
        }
        assertCompletes(origin, storeDir, expected, times, head);
      }
    }
  }

  /** Waits until the agent has begun to unpack a snapshot (or has exited). */
  private static void awaitStaging(Path storeDir, Process agent) throws InterruptedException {
    Path staging = storeDir.resolve(".metamirror/staging");
    for (int i = 0; i < 60_000 && agent.isAlive() && !Files.isDirectory(staging); i++) {
      Thread.sleep(1);
    }
  }

  private static void assertCompletes(
      TestOrigin origin,
      Path storeDir,
      Map<String, byte[]> expected,
      Map<String, Long> times,
      long head)
      throws Exception {
    Process last = SyncProcessMain.start(origin.uri(), storeDir, 1000);
    assertTrue(last.waitFor(120, TimeUnit.SECONDS), "the agent finishes");
    assertEquals(0, last.exitValue());
    StoreAssertions.assertStoreEquals(expected, times, storeDir);
    assertEquals(head, StoreAssertions.cursorSeq(storeDir));
  }

  /**
   * No dot-named file outside {@code .metamirror/}; every file holds its whole content and its
   * entry time, and every twin stands beside its file and inflates to its content (the tree does
   * not change across kills here, so the file's content is the tree's).
   */
  private static void assertOnlyWholeFiles(
      Path storeDir, Map<String, byte[]> expected, Map<String, Long> times) throws IOException {
    List<Path> files =
        Files.exists(storeDir) ? StoreAssertions.contentTree(storeDir) : new ArrayList<>();
    for (Path f : files) {
      String rel = storeDir.relativize(f).toString();
      if (f.getFileName().toString().startsWith(".")) {
        fail("temp file visible: " + rel);
      }
      String path = rel.endsWith(".gz") ? rel.substring(0, rel.length() - 3) : rel;
      byte[] content = expected.get(path);
      if (content == null) {
        fail("not a file of the origin's tree: " + rel);
      }
      byte[] actual;
      if (rel.endsWith(".gz")) {
        assertTrue(Files.exists(storeDir.resolve(path)), "a twin without its file: " + rel);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
          actual = in.readAllBytes();
        }
      } else {
        actual = Files.readAllBytes(f);
      }
      assertArrayEquals(content, actual, rel + " is whole");
      assertEquals(
          (long) times.get(path), Files.getLastModifiedTime(f).toMillis(), "mtime of " + rel);
    }
  }
}
