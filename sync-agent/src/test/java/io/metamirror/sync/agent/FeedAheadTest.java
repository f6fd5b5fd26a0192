package io.metamirror.sync.agent;

import static io.metamirror.sync.agent.StatusPolling.awaitCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.origin.TestOrigin;
import io.metamirror.testsupport.poll.Polling;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The next page is asked for while a page is still being applied (issue 21): the flush of one page
 * does not delay hearing of the next change.
 */
class FeedAheadTest {
  @TempDir Path tmp;

  @Test
  void theFeedIsAskedForTheNextPageBeforeThePageBeforeItIsDone() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"));
        ByteFlippingProxy proxy = ByteFlippingProxy.start(origin.uri())) {
      origin.publish(Map.of("packages.json", "{\"round\":0}"), List.of());
      try (Store store = Store.open(tmp.resolve("store"));
          SyncAgent agent =
              new SyncAgent(
                  store,
                  SyncAgent.Config.defaults(proxy.uri()).withWaitSeconds(1),
                  Clock.systemUTC())) {
        agent.catchUp();
        // Holds the agent's own thread inside the page's commit until the proxy has seen the
        // request for what follows it: an agent that asks only after the commit never gets there.
        List<String> notAsked = new CopyOnWriteArrayList<>();
        agent.onCommit(
            entries -> {
              long last = entries.get(entries.size() - 1).seq();
              try {
                Polling.await(
                    "a feed request since=" + last + " during the commit",
                    () -> proxy.feedQueries().stream().anyMatch(q -> q.contains("since=" + last)));
              } catch (Exception e) {
                notAsked.add(e.getMessage());
              }
            });
        agent.start();
        long seq = origin.publish(Map.of("p2/acme/a.json", "{\"a\":1}"), List.of());
        awaitCaughtUp(agent, seq);
        long next = origin.publish(Map.of("p2/acme/b.json", "{\"b\":2}"), List.of());
        awaitCaughtUp(agent, next);

        assertEquals(List.of(), notAsked);
        StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), tmp.resolve("store"));
      }
    }
  }
}
