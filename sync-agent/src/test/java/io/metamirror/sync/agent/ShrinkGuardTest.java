package io.metamirror.sync.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An origin restored from a wrong backup (a new epoch with a much smaller tree), or a page that
 * deletes most files, must not empty the store unless an operator accepts it (issue 17, item 9).
 */
class ShrinkGuardTest {
  @TempDir Path tmp;

  @Test
  void aNewEpochThatWouldRemoveMostFilesIsRefusedUntilTheOperatorAcceptsIt() throws Exception {
    Path storeDir = tmp.resolve("store");
    TestOrigin a = TestOrigin.start(tmp.resolve("a"));
    int port = a.port();
    publishBeforeListening(tmp.resolve("b"), smallTree());
    try (Store store = Store.open(storeDir);
        SyncAgent agent = new SyncAgent(store, config(a, 50), Clock.systemUTC())) {
      Map<String, byte[]> treeA;
      Map<String, Long> timesA;
      try (a) {
        a.publish(twentyFiles(), List.of());
        agent.catchUp();
        treeA = a.tree();
        timesA = a.times();
      }
      try (TestOrigin b = TestOrigin.start(tmp.resolve("b"), port, options())) {
        ShrinkRefusedException refused = assertThrows(ShrinkRefusedException.class, agent::catchUp);

        assertTrue(refused.getMessage().contains("remove 20 of 20 files"), refused.getMessage());
        StoreAssertions.assertStoreEquals(treeA, timesA, storeDir);
        assertEquals(a.epoch(), agent.status().epoch(), "the cursor stays in the old epoch");
        assertRefusedStatus(agent, storeDir, "accept-epoch --store " + storeDir);

        ShrinkGuard.Change accepted = ShrinkGuard.accept(storeDir);
        assertEquals(b.epoch(), accepted.epoch().value());
        agent.catchUp();

        StoreAssertions.assertStoreEquals(b.tree(), b.times(), storeDir);
        assertEquals(b.epoch(), agent.status().epoch());
        assertEquals(SyncState.FOLLOWING, agent.status().state());
        assertNoShrinkFiles(storeDir);
      }
    }
  }

  @Test
  void aPageThatDeletesMostFilesIsRefusedUntilTheOperatorAcceptsIt() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"));
        Store store = Store.open(tmp.resolve("store"));
        SyncAgent agent = new SyncAgent(store, config(origin, 50), Clock.systemUTC())) {
      Path storeDir = tmp.resolve("store");
      origin.publish(twentyFiles(), List.of());
      agent.catchUp();
      long before = store.cursor().seq();
      Map<String, byte[]> tree = origin.tree();
      Map<String, Long> times = origin.times();

      deleteFifteenAndExpectARefusal(origin, agent);

      StoreAssertions.assertStoreEquals(tree, times, storeDir);
      assertEquals(before, store.cursor().seq(), "no entry of the page is applied");
      assertRefusedStatus(agent, storeDir, "remove 15 of 20 files");

      assertNotNull(ShrinkGuard.accept(storeDir));
      agent.catchUp();

      StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
      assertEquals(5, store.fileCount());
      assertNoShrinkFiles(storeDir);
    }
  }

  @Test
  void anAcceptanceLetsOneShrinkThrough() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"));
        Store store = Store.open(tmp.resolve("store"));
        SyncAgent agent = new SyncAgent(store, config(origin, 50), Clock.systemUTC())) {
      Path storeDir = tmp.resolve("store");
      origin.publish(twentyFiles(), List.of());
      agent.catchUp();
      deleteFifteenAndExpectARefusal(origin, agent);
      ShrinkGuard.accept(storeDir);
      agent.catchUp();
      origin.publish(Map.of(), List.of("p2/vendor/pkg15.json", "p2/vendor/pkg16.json"));
      origin.publish(Map.of(), List.of("p2/vendor/pkg17.json", "p2/vendor/pkg18.json"));
      long before = store.cursor().seq();

      assertThrows(ShrinkRefusedException.class, agent::catchUp);

      assertEquals(before, store.cursor().seq());
      assertEquals(5, store.fileCount());
    }
  }

  @Test
  void withMaxShrink100ANewEpochAndAPageOfDeletesGoThrough() throws Exception {
    Path storeDir = tmp.resolve("store");
    TestOrigin a = TestOrigin.start(tmp.resolve("a"));
    int port = a.port();
    publishBeforeListening(tmp.resolve("b"), smallTree());
    try (Store store = Store.open(storeDir);
        SyncAgent agent = new SyncAgent(store, config(a, 100), Clock.systemUTC())) {
      try (a) {
        a.publish(twentyFiles(), List.of());
        agent.catchUp();
        a.publish(Map.of(), fifteenOfThem());

        agent.catchUp();

        StoreAssertions.assertStoreEquals(a.tree(), a.times(), storeDir);
        assertEquals(5, store.fileCount());
      }
      try (TestOrigin b = TestOrigin.start(tmp.resolve("b"), port, options())) {
        agent.catchUp();

        StoreAssertions.assertStoreEquals(b.tree(), b.times(), storeDir);
        assertEquals(2, store.fileCount());
      }
    }
  }

  @Test
  void acceptingWithNothingRefusedAcceptsNothing() throws Exception {
    try (Store store = Store.open(tmp.resolve("store"))) {
      assertNull(ShrinkGuard.accept(store.root()));
      assertNoShrinkFiles(store.root());
    }
  }

  @Test
  void theShareIsOfTheStoresFilesAndAnEmptyStoreNeverShrinks() {
    assertFalse(ShrinkGuard.shrinksTooMuch(20, 10, 50));
    assertTrue(ShrinkGuard.shrinksTooMuch(20, 11, 50));
    assertFalse(ShrinkGuard.shrinksTooMuch(20, 20, 100));
    assertTrue(ShrinkGuard.shrinksTooMuch(20, 1, 0));
    assertFalse(ShrinkGuard.shrinksTooMuch(0, 0, 0));
  }

  private static void assertRefusedStatus(SyncAgent agent, Path storeDir, String reason)
      throws IOException {
    SyncStatus status = agent.status();
    assertEquals(SyncState.REFUSED_SHRINK, status.state());
    assertTrue(status.lastError().contains(reason), status.lastError());
    var written = new ObjectMapper().readTree(storeDir.resolve(".metamirror/status.json").toFile());
    assertEquals("refused_shrink", written.path("state").asText());
    assertTrue(written.path("lastError").asText().contains(reason));
  }

  private static void assertNoShrinkFiles(Path storeDir) {
    assertFalse(Files.exists(storeDir.resolve(".metamirror/" + ShrinkGuard.REFUSED_FILE)));
    assertFalse(Files.exists(storeDir.resolve(".metamirror/" + ShrinkGuard.ACCEPTED_FILE)));
  }

  /** Publishes {@code tree} into an origin at {@code data} that is not listening afterwards. */
  private static void publishBeforeListening(Path data, Map<String, String> tree)
      throws IOException {
    try (TestOrigin unlisted = TestOrigin.start(data)) {
      unlisted.publish(tree, List.of());
    }
  }

  private static Map<String, String> twentyFiles() {
    Map<String, String> tree = new TreeMap<>();
    for (int i = 0; i < 20; i++) {
      tree.put("p2/vendor/pkg" + i + ".json", "{\"pkg\":" + i + "}");
    }
    return tree;
  }

  private static List<String> fifteenOfThem() {
    List<String> deletes = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      deletes.add("p2/vendor/pkg" + i + ".json");
    }
    return deletes;
  }

  /** A wrong backup: two files, none of which the store has. */
  private static Map<String, String> smallTree() {
    return Map.of("packages.json", "{\"restored\":true}", "p2/acme/only.json", "{\"only\":1}");
  }

  private static OriginRepository.Options options() {
    return OriginRepository.Options.defaults();
  }

  private static SyncAgent.Config config(TestOrigin origin, int maxShrinkPercent) {
    return SyncAgent.Config.defaults(origin.uri())
        .withWaitSeconds(0)
        .withMaxShrinkPercent(maxShrinkPercent);
  }

  /** Deletes 15 of the 20 files at the origin; the agent's next catch-up refuses that page. */
  private static void deleteFifteenAndExpectARefusal(TestOrigin origin, SyncAgent agent)
      throws Exception {
    origin.publish(Map.of(), fifteenOfThem());
    assertThrows(ShrinkRefusedException.class, agent::catchUp);
  }
}
