package io.metamirror.sync.agent;

import static io.metamirror.sync.agent.StatusPolling.awaitCaughtUp;
import static io.metamirror.sync.agent.StatusPolling.awaitStatus;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.Sha256;
import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blobs that arrive damaged, through {@link ByteFlippingProxy}. */
class CorruptBlobTest {
  private static final String BAD_CONTENT = "{\"packages\":{\"acme/bad\":[]}}";

  @TempDir Path tmp;

  @Test
  void aCorruptBlobStallsTheFollowingAgentUntilTheOriginServesItRight() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"));
        ByteFlippingProxy proxy = ByteFlippingProxy.start(origin.uri())) {
      origin.publish(
          Map.of("packages.json", "{\"round\":0}", "p2/acme/a.json", "{\"a\":0}"), List.of());
      Path storeDir = tmp.resolve("store");
      try (Store store = Store.open(storeDir);
          SyncAgent agent = new SyncAgent(store, config(proxy), Clock.systemUTC())) {
        Path badFile = storeDir.resolve("p2/acme/bad.json");
        List<String> wrongAtCommit = new CopyOnWriteArrayList<>();
        agent.onCommit(
            entries -> {
              try {
                if (Files.exists(badFile)
                    && !Arrays.equals(BAD_CONTENT.getBytes(UTF_8), Files.readAllBytes(badFile))) {
                  wrongAtCommit.add("after the commit of " + entries);
                }
              } catch (IOException e) {
                wrongAtCommit.add(e.toString());
              }
            });
        agent.catchUp();
        agent.start();
        long before = origin.publish(Map.of("p2/acme/before.json", "{\"before\":1}"), List.of());
        awaitCaughtUp(agent, before);

        proxy.corruptBlob(sha(BAD_CONTENT));
        long bad = origin.publish(Map.of("p2/acme/bad.json", BAD_CONTENT), List.of());
        SyncStatus stalled = awaitStatus(agent, "stalled", s -> s.state() == SyncState.STALLED);

        assertTrue(
            stalled.lastError().contains("entry " + bad + " (p2/acme/bad.json)"),
            "the error names the entry: " + stalled.lastError());
        assertEquals(before, stalled.appliedSeq(), "the cursor stops before the bad entry");
        assertEquals(before, store.cursor().seq());
        assertFalse(Files.exists(badFile), "never committed");
        assertTrue(Files.exists(storeDir.resolve("p2/acme/before.json")));
        assertTrue(proxy.damagedAnswers() > 0, "the proxy did damage the blob");

        proxy.stopCorrupting();
        awaitCaughtUp(agent, bad);
        assertArrayEquals(BAD_CONTENT.getBytes(UTF_8), Files.readAllBytes(badFile));
        assertEquals(List.of(), wrongAtCommit, "the damaged bytes were never in place");
        // Also: no temp file of any failed attempt was left behind.
        StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
      }
    }
  }

  @Test
  void entriesBeforeACorruptOneInTheSamePageAreCommitted() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"));
        ByteFlippingProxy proxy = ByteFlippingProxy.start(origin.uri())) {
      origin.publish(Map.of("packages.json", "{\"round\":0}"), List.of());
      Path storeDir = tmp.resolve("store");
      try (Store store = Store.open(storeDir);
          SyncAgent agent = new SyncAgent(store, config(proxy), Clock.systemUTC())) {
        agent.catchUp();
        // Published while the agent is not following, so that all three come in one page.
        origin.publish(Map.of("p2/acme/one.json", "{\"one\":1}"), List.of());
        long two = origin.publish(Map.of("p2/acme/two.json", "{\"two\":2}"), List.of());
        proxy.corruptBlob(sha(BAD_CONTENT));
        long bad = origin.publish(Map.of("p2/acme/bad.json", BAD_CONTENT), List.of());
        long after = origin.publish(Map.of("p2/acme/after.json", "{\"after\":3}"), List.of());

        agent.start();
        SyncStatus stalled = awaitStatus(agent, "stalled", s -> s.state() == SyncState.STALLED);

        assertTrue(stalled.lastError().contains("entry " + bad + " (p2/acme/bad.json)"));
        assertEquals(two, stalled.appliedSeq(), "everything before the bad entry is committed");
        assertTrue(Files.exists(storeDir.resolve("p2/acme/one.json")));
        assertTrue(Files.exists(storeDir.resolve("p2/acme/two.json")));
        assertFalse(Files.exists(storeDir.resolve("p2/acme/bad.json")));
        assertFalse(Files.exists(storeDir.resolve("p2/acme/after.json")), "nothing after it");

        proxy.stopCorrupting();
        awaitCaughtUp(agent, after);
        StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
      }
    }
  }

  @Test
  void catchUpThrowsOnACorruptBlobAndLeavesTheStoreAsItWas() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"));
        ByteFlippingProxy proxy = ByteFlippingProxy.start(origin.uri())) {
      long first = origin.publish(Map.of("packages.json", "{\"round\":0}"), List.of());
      Path storeDir = tmp.resolve("store");
      try (Store store = Store.open(storeDir);
          SyncAgent agent = new SyncAgent(store, config(proxy), Clock.systemUTC())) {
        agent.catchUp();
        Map<String, byte[]> tree = origin.tree();
        proxy.corruptBlob(sha(BAD_CONTENT));
        origin.publish(Map.of("packages.json", BAD_CONTENT), List.of());

        Exception e = assertThrows(Exception.class, agent::catchUp);

        assertTrue(e.getMessage().contains("(packages.json)"), e.getMessage());
        assertEquals(first, store.cursor().seq());
        assertArrayEquals(
            tree.get("packages.json"),
            Files.readAllBytes(storeDir.resolve("packages.json")),
            "the old content stays");
        StoreAssertions.assertNoTempFiles(storeDir);
      }
    }
  }

  private static SyncAgent.Config config(ByteFlippingProxy proxy) {
    return SyncAgent.Config.defaults(proxy.uri())
        .withMaxBackoff(Duration.ofMillis(200))
        .withWaitSeconds(1);
  }

  private static Sha256 sha(String content) {
    return Sha256.of(content.getBytes(UTF_8));
  }
}
