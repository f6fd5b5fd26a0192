package io.metamirror.sync.agent;

import static io.metamirror.sync.agent.StatusPolling.awaitCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The origin's journal no longer continues the store's: a new epoch, or entries dropped (410). */
class ResyncTest {
  @TempDir Path tmp;

  /** B's head is past A's, so the feed answers with a page, of the wrong epoch. */
  @Test
  void aFollowingAgentResyncsWhenTheOriginComesBackWithANewEpoch() throws Exception {
    Path storeDir = tmp.resolve("store");
    TestOrigin a = TestOrigin.start(tmp.resolve("a"));
    int port = a.port();
    // B's tree is published before B listens on A's port, so the agent never sees B empty.
    try (TestOrigin unlisted = TestOrigin.start(tmp.resolve("b"))) {
      publishWithHistory(unlisted, treeB(), 10);
    }
    try (Store store = Store.open(storeDir);
        SyncAgent agent = new SyncAgent(store, config(a.uri()), Clock.systemUTC())) {
      try (a) {
        a.publish(treeA(), List.of());
        agent.catchUp();
        agent.start();
        awaitCaughtUp(agent, a.head());
        StoreAssertions.assertStoreEquals(a.tree(), a.times(), storeDir);
      }
      try (TestOrigin b = TestOrigin.start(tmp.resolve("b"), port, options())) {
        assertNotEquals(b.repository().epoch(), store.cursor().epoch());
        assertTrue(b.head() > store.cursor().seq(), "B's feed has a page to give");

        awaitCaughtUp(agent, b.head());

        assertEquals(b.repository().epoch(), store.cursor().epoch());
        assertEquals(b.repository().epoch().value(), agent.status().epoch());
        StoreAssertions.assertStoreEquals(b.tree(), b.times(), storeDir);
        assertFalse(Files.exists(storeDir.resolve("p2/acme/only-a.json")), "A's file is gone");
        assertFalse(Files.exists(storeDir.resolve("p2/acme/only-a.json.gz")), "and its twin");
      }
    }
  }

  /** B's head is behind A's, so the feed answers 410 before any epoch is compared. */
  @Test
  void catchUpResyncsWhenTheOriginComesBackWithANewEpochAndAShorterJournal() throws Exception {
    Path storeDir = tmp.resolve("store");
    TestOrigin a = TestOrigin.start(tmp.resolve("a"));
    int port = a.port();
    try (Store store = Store.open(storeDir);
        SyncAgent agent = new SyncAgent(store, config(a.uri()), Clock.systemUTC())) {
      try (a) {
        publishWithHistory(a, treeA(), 10);
        agent.catchUp();
      }
      try (TestOrigin b = TestOrigin.start(tmp.resolve("b"), port, options())) {
        b.publish(treeB(), List.of());
        assertTrue(b.head() < store.cursor().seq(), "B's journal is shorter");

        agent.catchUp();

        assertEquals(b.repository().epoch(), store.cursor().epoch());
        assertEquals(b.head(), store.cursor().seq());
        StoreAssertions.assertStoreEquals(b.tree(), b.times(), storeDir);
        assertEquals(b.tree().size(), store.fileCount(), "the local manifest is B's");
      }
    }
  }

  @Test
  void anAgentWhoseEntriesTheOriginDroppedBootstrapsAgain() throws Exception {
    OriginRepository.Options smallRetention =
        OriginRepository.Options.defaults()
            .withRetainEntries(10)
            .withSegmentEntries(5)
            .withCheckpointEvery(1_000_000);
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"), 0, smallRetention)) {
      origin.publish(treeA(), List.of());
      Path storeDir = tmp.resolve("store");
      try (Store store = Store.open(storeDir);
          SyncAgent agent = new SyncAgent(store, config(origin.uri()), Clock.systemUTC())) {
        agent.catchUp();
        long synced = store.cursor().seq();
        origin.publish(Map.of("p2/acme/shared.json", "{\"overwritten\":true}"), List.of());
        origin.publish(Map.of(), List.of("p2/acme/only-a.json"));
        for (int i = 0; i < 48; i++) {
          origin.publish(Map.of("p2/new/pkg" + i + ".json", "{\"pkg\":" + i + "}"), List.of());
        }
        origin.repository().checkpoint();
        assertTrue(
            origin.repository().firstRetainedSeq() > synced + 1,
            "the origin dropped entries the agent needs: first retained "
                + origin.repository().firstRetainedSeq());

        agent.catchUp();

        assertEquals(origin.head(), store.cursor().seq());
        StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
        assertEquals(origin.tree().size(), store.fileCount());
      }
    }
  }

  /** Publishes {@code tree}, then {@code rounds} more versions of its packages.json. */
  private static void publishWithHistory(TestOrigin origin, Map<String, String> tree, int rounds)
      throws IOException {
    origin.publish(tree, List.of());
    for (int round = 1; round <= rounds; round++) {
      origin.publish(Map.of("packages.json", "{\"round\":" + round + "}"), List.of());
    }
  }

  private static Map<String, String> treeA() {
    Map<String, String> tree = new TreeMap<>();
    tree.put("packages.json", "{\"origin\":\"a\",\"" + "pad".repeat(100) + "\":1}");
    tree.put("p2/acme/shared.json", "{\"from\":\"a\",\"" + "x".repeat(300) + "\":1}");
    tree.put("p2/acme/same.json", "{\"same\":true}");
    tree.put("p2/acme/only-a.json", "{\"only\":\"a\",\"" + "y".repeat(300) + "\":1}");
    for (int i = 0; i < 10; i++) {
      tree.put("p2/vendor/pkg" + i + ".json", "{\"pkg\":" + i + ",\"origin\":\"a\"}");
    }
    return tree;
  }

  /** Some of A's paths with other content, one with the same, some new; only-a.json is gone. */
  private static Map<String, String> treeB() {
    Map<String, String> tree = new TreeMap<>();
    tree.put("packages.json", "{\"origin\":\"b\"}");
    tree.put("p2/acme/shared.json", "{\"from\":\"b\",\"" + "z".repeat(400) + "\":2}");
    tree.put("p2/acme/same.json", "{\"same\":true}");
    tree.put("p2/acme/only-b.json", "{\"only\":\"b\"}");
    for (int i = 5; i < 15; i++) {
      tree.put("p2/vendor/pkg" + i + ".json", "{\"pkg\":" + i + ",\"origin\":\"b\"}");
    }
    return tree;
  }

  private static OriginRepository.Options options() {
    return OriginRepository.Options.defaults();
  }

  private static SyncAgent.Config config(URI origin) {
    return SyncAgent.Config.defaults(origin)
        .withMaxBackoff(Duration.ofMillis(200))
        .withWaitSeconds(1);
  }
}
