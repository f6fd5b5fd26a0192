package io.metamirror.sync.agent;

import static io.metamirror.sync.agent.StatusPolling.awaitCaughtUp;
import static io.metamirror.sync.agent.StatusPolling.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.origin.TestOrigin;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OriginOutageTest {
  @TempDir Path tmp;

  @Test
  void anOriginThatIsDownForAWhileIsCaughtUpWithAfterwards() throws Exception {
    Path data = tmp.resolve("origin");
    Path storeDir = tmp.resolve("store");
    TestOrigin first = TestOrigin.start(data);
    int port = first.port();
    try (Store store = Store.open(storeDir);
        SyncAgent agent =
            new SyncAgent(
                store,
                SyncAgent.Config.defaults(first.uri())
                    .withMaxBackoff(Duration.ofMillis(200))
                    .withWaitSeconds(1),
                Clock.systemUTC())) {
      List<Long> committed = new CopyOnWriteArrayList<>();
      agent.onCommit(entries -> entries.forEach(e -> committed.add(e.seq())));
      Map<String, byte[]> before;
      Map<String, Long> timesBefore;
      long seqBefore;
      try (first) {
        Map<String, String> tree = new TreeMap<>();
        tree.put("packages.json", "{\"round\":0}");
        for (int i = 0; i < 20; i++) {
          tree.put("p2/vendor/pkg" + i + ".json", "{\"pkg\":" + i + "}");
        }
        first.publish(tree, List.of());
        agent.start();
        seqBefore = first.publish(Map.of("packages.json", "{\"round\":1}"), List.of());
        awaitCaughtUp(agent, seqBefore);
        before = first.tree();
        timesBefore = first.times();
      }

      SyncStatus down =
          awaitStatus(
              agent,
              "the outage to be reported",
              s -> s.lastError() != null && s.lastError().contains("cannot reach the origin"));
      SyncStatus stillDown =
          awaitStatus(agent, "another attempt", s -> s.lastErrorTime() > down.lastErrorTime());
      assertTrue(stillDown.lastError().contains("127.0.0.1:" + port), stillDown.lastError());
      assertEquals(SyncState.FOLLOWING, stillDown.state(), "an unreachable origin is not a stall");
      assertEquals(seqBefore, stillDown.appliedSeq());
      StoreAssertions.assertStoreEquals(before, timesBefore, storeDir);

      try (TestOrigin again = TestOrigin.start(data, port, OriginRepository.Options.defaults())) {
        again.publish(Map.of("packages.json", "{\"round\":2}"), List.of("p2/vendor/pkg0.json"));
        long head = again.publish(Map.of("p2/vendor/pkg20.json", "{\"pkg\":20}"), List.of());

        awaitCaughtUp(agent, head);

        StoreAssertions.assertStoreEquals(again.tree(), again.times(), storeDir);
        assertTrue(
            committed.containsAll(List.of(head - 1, head)),
            "what was published after the outage came through the feed: " + committed);
      }
    }
  }
}
