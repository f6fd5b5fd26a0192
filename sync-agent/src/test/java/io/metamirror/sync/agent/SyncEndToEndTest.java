package io.metamirror.sync.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.origin.TestOrigin;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncEndToEndTest {
  @TempDir Path tmp;

  @Test
  void bootstrapsTenThousandFilesThenFollowsAThousandPublishes() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"))) {
      Map<String, String> initial = new TreeMap<>();
      for (int i = 0; i < 10_000; i++) {
        initial.put(path(i), content(i, 0));
      }
      initial.put("packages.json", "{\"round\":0}");
      origin.publish(initial, List.of());

      Path storeDir = tmp.resolve("store");
      try (Store store = Store.open(storeDir);
          SyncAgent agent =
              new SyncAgent(store, SyncAgent.Config.defaults(origin.uri()), Clock.systemUTC())) {
        agent.catchUp();
        assertEquals(origin.head(), store.cursor().seq());
        StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);

        Random random = new Random(1);
        List<String> live = new ArrayList<>(initial.keySet());
        live.remove("packages.json");
        for (int round = 1; round <= 1000; round++) {
          Map<String, String> puts = new TreeMap<>();
          List<String> deletes = new ArrayList<>();
          int kind = random.nextInt(3);
          if (kind == 0 || live.isEmpty()) {
            int i = 10_000 + round;
            puts.put(path(i), content(i, round));
            live.add(path(i));
          } else if (kind == 1) {
            String p = live.get(random.nextInt(live.size()));
            puts.put(p, "{\"overwritten\":" + round + "}");
          } else {
            deletes.add(live.remove(random.nextInt(live.size())));
          }
          if (round % 10 == 0) {
            puts.put("packages.json", "{\"round\":" + round + "}");
          }
          origin.publish(puts, deletes);
          if (round % 250 == 0) {
            agent.catchUp(); // catch up in the middle too, so both small and large backlogs are
            // applied
          }
        }
        agent.catchUp();
        assertEquals(origin.head(), store.cursor().seq());
        StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
        assertEquals(
            origin.tree().size(), store.fileCount(), "the local manifest lists every file");
        assertTrue(agent.status().lastError() == null, agent.status().toString());
      }
    }
  }

  static String path(int i) {
    return "p2/vendor" + (i % 50) + "/pkg" + i + ".json";
  }

  static String content(int i, int round) {
    return "{\"packages\":{\"vendor/pkg"
        + i
        + "\":[{\"version\":\"1."
        + round
        + ".0\",\"description\":\""
        + "x".repeat(i % 300)
        + "\"}]}}";
  }
}
