package io.metamirror.sync.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metamirror.protocol.Sha256;
import io.metamirror.sync.store.LocalFile;
import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many writers a bootstrap runs (one per CPU, at least 2, never more than {@code --parallel})
 * is a matter of speed only: one writer and several leave the same store behind.
 */
class BootstrapWritersTest {
  @TempDir Path tmp;

  @Test
  void oneWriterAndSeveralWritersBootstrapTheSameStoreTwinsAndMtimesIncluded() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"))) {
      origin.publish(tree(), List.of());

      Path oneWriter = tmp.resolve("one-writer");
      Set<LocalFile> oneManifest = bootstrap(origin, 1, oneWriter);
      Path severalWriters = tmp.resolve("several-writers");
      Set<LocalFile> severalManifest = bootstrap(origin, 16, severalWriters);

      StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), oneWriter);
      StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), severalWriters);
      assertEquals(oneManifest, severalManifest, "the same manifest");
      assertEquals(
          files(oneWriter),
          files(severalWriters),
          "the same files and twins, byte for byte, with the same mtimes");
    }
  }

  /** Bootstraps an empty store with {@code --parallel parallel}; returns its manifest. */
  private static Set<LocalFile> bootstrap(TestOrigin origin, int parallel, Path storeDir)
      throws IOException {
    try (Store store = Store.open(storeDir);
        SyncAgent agent =
            new SyncAgent(
                store,
                SyncAgent.Config.defaults(origin.uri()).withParallel(parallel),
                Clock.systemUTC())) {
      agent.catchUp();
      return new HashSet<>(store.files());
    }
  }

  /** Every file of the content tree, twins included: path → its hash and mtime. */
  private static Map<String, String> files(Path storeDir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (Path f : StoreAssertions.contentTree(storeDir)) {
      out.put(
          storeDir.relativize(f).toString(),
          Sha256.of(Files.readAllBytes(f)) + " " + Files.getLastModifiedTime(f).toMillis());
    }
    return out;
  }

  /**
   * Enough files for many batches of a bootstrap (so several are written at once), in several
   * directories; most compress, so they get twins, and a few are too small to.
   */
  private static Map<String, String> tree() {
    Map<String, String> tree = new TreeMap<>();
    for (int i = 0; i < 600; i++) {
      tree.put(
          "p2/v" + (i % 12) + "/p" + i + ".json",
          "{\"i\":" + i + ",\"pad\":\"" + "ab".repeat(i % 400) + "\"}");
    }
    tree.put("packages.json", "{\"files\":600}");
    return tree;
  }
}
