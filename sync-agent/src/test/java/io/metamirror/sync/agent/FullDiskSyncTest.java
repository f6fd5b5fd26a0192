package io.metamirror.sync.agent;

import static io.metamirror.sync.agent.StatusPolling.awaitCaughtUp;
import static io.metamirror.sync.agent.StatusPolling.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.disk.Tmpfs;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on a real (small tmpfs) disk that fills up; the origin on an ordinary one. Needs
 * permission to mount, as root in CI; skipped elsewhere.
 */
class FullDiskSyncTest {
  private static final String BIG = "dist/acme-widget-2.0.zip"; // compressed: no twin is made

  @TempDir Path tmp;
  @RegisterExtension final Tmpfs tmpfs = new Tmpfs();

  /** Every content each path has had at the origin. */
  private final Map<String, Set<String>> published = new HashMap<>();

  /** Holds the store's disk nearly full; deleting it frees the room. */
  private Path ballast;

  private Path storeDir;

  /** A 1 MB disk with 700 KB taken: room for a small tree, not for {@link #BIG}. */
  @BeforeEach
  void mountANearlyFullDiskForTheStore() throws Exception {
    Path disk = tmpfs.mount(tmp.resolve("disk"), "1m");
    ballast = Files.write(disk.resolve("ballast"), new byte[700 * 1024]);
    storeDir = disk.resolve("store");
  }

  @Test
  void aFullDiskStallsTheAgentWithWholeFilesOnlyAndItCatchesUpWhenSpaceIsFreed() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"));
        Store store = Store.open(storeDir);
        SyncAgent agent = new SyncAgent(store, config(origin), Clock.systemUTC())) {
      publish(origin, smallTree());
      agent.catchUp();
      agent.start();
      long fits = publish(origin, Map.of("p2/acme/fits.json", "{\"fits\":true}"));
      awaitCaughtUp(agent, fits);

      publish(origin, Map.of(BIG, randomText(400 * 1024)));
      long after = publish(origin, Map.of("packages.json", "{\"round\":1}"));
      SyncStatus stalled = awaitStatus(agent, "stalled", s -> s.state() == SyncState.STALLED);

      assertTrue(stalled.lastError().startsWith("disk full"), stalled.lastError());
      assertEquals(fits, stalled.appliedSeq(), "the cursor stays at the last page that fit");
      assertEquals(fits, store.cursor().seq());
      assertFalse(Files.exists(storeDir.resolve(BIG)));
      assertEveryFileWhole(storeDir);

      Files.delete(ballast);
      awaitCaughtUp(agent, after);
      StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
    }
  }

  @Test
  void anAgentStoppedOnAFullDiskLeavesNoTempFilesAndANewOneCarriesOn() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"))) {
      long fits = publish(origin, smallTree());
      try (Store store = Store.open(storeDir)) {
        try (SyncAgent agent = new SyncAgent(store, config(origin), Clock.systemUTC())) {
          agent.catchUp();
          agent.start();
          publish(origin, Map.of(BIG, randomText(400 * 1024)));
          awaitStatus(agent, "stalled", s -> s.state() == SyncState.STALLED);
        }
        StoreAssertions.assertNoTempFiles(storeDir);
        assertEquals(fits, store.cursor().seq());
        assertEveryFileWhole(storeDir);

        Files.delete(ballast);
        try (SyncAgent agent = new SyncAgent(store, config(origin), Clock.systemUTC())) {
          agent.catchUp();
        }
        StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
      }
    }
  }

  /** Publishes and remembers every content; returns the head. */
  private long publish(TestOrigin origin, Map<String, String> puts) throws IOException {
    puts.forEach(
        (path, content) -> published.computeIfAbsent(path, p -> new HashSet<>()).add(content));
    return origin.publish(puts, List.of());
  }

  /** Every content file, and every twin, holds a whole version the origin published. */
  private void assertEveryFileWhole(Path storeDir) throws IOException {
    // The agent is retrying: its temp files come and go, and are not content.
    List<Path> files =
        StoreAssertions.contentTree(storeDir).stream()
            .filter(p -> !p.getFileName().toString().startsWith("."))
            .toList();
    assertFalse(files.isEmpty());
    for (Path file : files) {
      String rel = storeDir.relativize(file).toString();
      String content;
      String path;
      if (rel.endsWith(".gz") && !published.containsKey(rel)) {
        path = rel.substring(0, rel.length() - 3);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
          content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      } else {
        path = rel;
        content = Files.readString(file);
      }
      Set<String> versions = published.get(path);
      if (versions == null || !versions.contains(content)) {
        fail(rel + " is not a version the origin published");
      }
    }
  }

  private static Map<String, String> smallTree() {
    Map<String, String> tree = new TreeMap<>();
    tree.put("packages.json", "{\"round\":0,\"" + "includes".repeat(40) + "\":{}}");
    for (int i = 0; i < 4; i++) {
      tree.put("p2/vendor/pkg" + i + ".json", "{\"pkg\":" + i + "}");
    }
    return tree;
  }

  private static String randomText(int length) {
    Random random = new Random(length);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append((char) ('!' + random.nextInt(90)));
    }
    return out.toString();
  }

  private static SyncAgent.Config config(TestOrigin origin) {
    return SyncAgent.Config.defaults(origin.uri())
        .withMaxBackoff(Duration.ofMillis(200))
        .withWaitSeconds(1);
  }
}
