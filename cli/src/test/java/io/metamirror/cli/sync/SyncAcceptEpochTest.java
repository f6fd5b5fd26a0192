package io.metamirror.cli.sync;

import static io.metamirror.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.cli.Run;
import io.metamirror.testsupport.origin.TestOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shrink guard as an operator meets it: {@code sync --once}, {@code sync accept-epoch}. */
class SyncAcceptEpochTest {
  @TempDir Path temp;

  @Test
  void aRefusedPageOfDeletesGoesThroughOnceTheOperatorAcceptsIt() throws Exception {
    Path store = temp.resolve("store");
    try (TestOrigin origin = TestOrigin.start(temp.resolve("origin"))) {
      Map<String, String> files = new TreeMap<>();
      List<String> deletes = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        files.put("p2/acme/pkg" + i + ".json", "{\"pkg\":" + i + "}");
        if (i < 15) {
          deletes.add("p2/acme/pkg" + i + ".json");
        }
      }
      origin.publish(files, List.of());
      String[] once = {
        "sync", "--once", "--origin", origin.uri().toString(), "--store", "" + store
      };
      assertEquals(0, run(once).exit());
      origin.publish(Map.of(), deletes);

      Run refused = run(once);

      assertEquals(1, refused.exit(), refused.toString());
      assertTrue(refused.err().contains("accept-epoch --store " + store), refused.toString());
      assertTrue(Files.exists(store.resolve("p2/acme/pkg0.json")));
      Run status = run("sync", "status", "--store", "" + store);
      assertTrue(status.out().contains("remove 15 of 20 files"), status.toString());

      Run accept = run("sync", "accept-epoch", "--store", "" + store);

      assertEquals(0, accept.exit(), accept.toString());
      assertTrue(accept.out().contains("removes 15 of 20 files"), accept.toString());
      Run applied = run(once);
      assertEquals(0, applied.exit(), applied.toString());
      assertTrue(applied.out().contains(", 5 files"), applied.toString());
    }
  }

  @Test
  void acceptingWhenNothingWasRefusedExitsOneSayingSo() {
    Run run = run("sync", "accept-epoch", "--store", temp.resolve("store").toString());

    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().contains("nothing to accept"), run.toString());
  }
}
