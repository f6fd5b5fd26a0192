package io.metamirror.sync.agent;

import static io.metamirror.sync.agent.StatusPolling.awaitCaughtUp;
import static io.metamirror.sync.agent.StatusPolling.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.sync.store.Cursor;
import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Snapshots that arrive damaged, through {@link ByteFlippingProxy}. */
class CorruptSnapshotTest {
  /** Only in file content: never in a path, so never in the manifest or a tar header. */
  private static final String MARKER = "damage-me";

  private static final String DAMAGED_MARKER = "Damage-me";

  /** Only against a hang; never reached when the agent behaves. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(20);

  @TempDir Path tmp;

  @Test
  void aSnapshotHoldingADamagedFileIsNotInstalled() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"));
        ByteFlippingProxy proxy = ByteFlippingProxy.start(origin.uri())) {
      origin.publish(tree("a"), List.of());
      proxy.corruptSnapshotInside(MARKER, DAMAGED_MARKER, false);

      IOException e = refusedWhileDamagedThenInstalled(origin, proxy);

      assertTrue(e.getMessage().contains("arrived as"), e.getMessage());
    }
  }

  /**
   * The manifest names the seq the store's cursor will take. A byte of it damaged in transit is
   * caught only by the gzip trailer's CRC; unnoticed, the store would claim entries it never
   * applied (here a seq beyond the origin's head, which sends the agent into bootstrap after
   * bootstrap).
   */
  @Test
  void aSnapshotWhoseManifestWasDamagedInTransitIsNotInstalled() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"));
        ByteFlippingProxy proxy = ByteFlippingProxy.start(origin.uri())) {
      origin.publish(tree("a"), List.of());
      String seq = Long.toString(origin.head());
      String wrongSeq = (seq.charAt(0) == '9' ? "8" : "9") + seq.substring(1);
      proxy.corruptSnapshotInside(
          "\"seq\":" + seq + ",\"files\"", "\"seq\":" + wrongSeq + ",\"files\"", true);

      IOException e = refusedWhileDamagedThenInstalled(origin, proxy);

      assertTrue(e.getMessage().contains("GZIP"), e.getMessage());
    }
  }

  /**
   * A byte flipped in the middle of the gzip stream, or in the CRC of its trailer (the content is
   * then intact, but a reader cannot know: the CRC is what tells a damaged manifest apart).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"middle", "gzip trailer crc"})
  void aSnapshotDamagedOnTheWireIsNotInstalled(String where) throws Exception {
    IntUnaryOperator position = where.equals("middle") ? n -> n / 2 : n -> n - 8;
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"));
        ByteFlippingProxy proxy = ByteFlippingProxy.start(origin.uri())) {
      origin.publish(tree("a"), List.of());
      proxy.corruptSnapshotWireByte(position);

      refusedWhileDamagedThenInstalled(origin, proxy);
    }
  }

  @Test
  void aDamagedSnapshotDuringAResyncLeavesThePreviousTreeInPlace() throws Exception {
    Path storeDir = tmp.resolve("store");
    TestOrigin a = TestOrigin.start(tmp.resolve("a"));
    int port = a.port();
    try (ByteFlippingProxy proxy = ByteFlippingProxy.start(a.uri());
        Store store = Store.open(storeDir);
        SyncAgent agent = new SyncAgent(store, config(proxy), Clock.systemUTC())) {
      Map<String, byte[]> treeA;
      Map<String, Long> timesA;
      Cursor cursorA;
      try (a) {
        a.publish(tree("a"), List.of());
        agent.catchUp();
        treeA = a.tree();
        timesA = a.times();
        cursorA = store.cursor();
      }
      try (TestOrigin b =
          TestOrigin.start(tmp.resolve("b"), port, OriginRepository.Options.defaults())) {
        b.publish(tree("b"), List.of());
        long headB = b.publish(Map.of("p2/acme/only-b.json", "{\"b\":1}"), List.of());
        proxy.corruptSnapshotInside(MARKER, DAMAGED_MARKER, false);
        agent.start();

        SyncStatus failing =
            awaitStatus(
                agent,
                "a failed bootstrap",
                s -> s.lastError() != null && s.lastError().contains("arrived as"));
        assertEquals(cursorA.epoch().value(), failing.epoch(), "still on the old epoch");
        assertEquals(cursorA, store.cursor());
        StoreAssertions.assertStoreEquals(treeA, timesA, storeDir);

        proxy.stopCorrupting();
        awaitCaughtUp(agent, headB);
        assertEquals(b.repository().epoch(), store.cursor().epoch());
        StoreAssertions.assertStoreEquals(b.tree(), b.times(), storeDir);
      }
    }
  }

  /**
   * Bootstraps an empty store through {@code proxy}, which damages the snapshot: the catch-up fails
   * (within the hang guard) and leaves the store empty; once the proxy passes the snapshot whole,
   * the same agent installs the origin's tree. Returns the failure, for what it says.
   */
  private IOException refusedWhileDamagedThenInstalled(TestOrigin origin, ByteFlippingProxy proxy)
      throws Exception {
    Path storeDir = tmp.resolve("store");
    try (Store store = Store.open(storeDir);
        SyncAgent agent = new SyncAgent(store, config(proxy), Clock.systemUTC())) {
      IOException e =
          assertTimeoutPreemptively(
              HANG_GUARD, () -> assertThrows(IOException.class, agent::catchUp));

      assertTrue(proxy.damagedAnswers() > 0, "the proxy did damage the snapshot");
      assertEquals(Cursor.EMPTY, store.cursor());
      assertEquals(Map.of(), StoreAssertions.contentFiles(storeDir, Map.of()), "nothing");

      proxy.stopCorrupting();
      agent.catchUp();
      assertEquals(origin.head(), store.cursor().seq());
      StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
      return e;
    }
  }

  /** A small tree with one file that holds the marker; {@code version} varies its content. */
  private static Map<String, String> tree(String version) {
    Map<String, String> tree = new TreeMap<>();
    tree.put("packages.json", "{\"version\":\"" + version + "\"}");
    tree.put("p2/acme/widget.json", "{\"widget\":\"" + version + "\",\"note\":\"" + MARKER + "\"}");
    for (int i = 0; i < 20; i++) {
      tree.put("p2/vendor/pkg" + i + ".json", "{\"pkg\":" + i + ",\"v\":\"" + version + "\"}");
    }
    return tree;
  }

  private static SyncAgent.Config config(ByteFlippingProxy proxy) {
    return SyncAgent.Config.defaults(proxy.uri())
        .withMaxBackoff(Duration.ofMillis(200))
        .withWaitSeconds(1);
  }
}
