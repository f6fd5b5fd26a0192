package io.metamirror.sync.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.sync.store.LocalFile;
import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page that writes one path several times (put, delete, put again, …), applied in one catch-up:
 * the store's files, their twins and the local manifest (in memory and as read back from disk) are
 * the origin's tree afterwards. Each operation is its own publish while the agent is stopped, so
 * the catch-up sees them all in one feed page.
 */
class RepeatedPathPageTest {
  private static final String X = "p2/acme/x.json";
  private static final String Y = "p2/acme/y.json";

  /** Content in its own right, which is also the name {@link #X}'s twin would have. */
  private static final String X_GZ = X + ".gz";

  @TempDir Path tmp;

  @Test
  void putDeletePutInOnePageLeavesTheLastPut() throws Exception {
    assertOnePageApplies(put(X, 1), delete(X), put(X, 2));
  }

  @Test
  void putDeletePutOfTheSameContentLeavesThePut() throws Exception {
    assertOnePageApplies(put(X, 1), delete(X), put(X, 1));
  }

  @Test
  void deletePutInOnePageLeavesThePut() throws Exception {
    assertOnePageApplies(delete(Y), put(Y, 3));
  }

  @Test
  void putPutDeleteInOnePageLeavesNothing() throws Exception {
    assertOnePageApplies(put(X, 1), put(X, 2), delete(X));
  }

  @Test
  void putDeletePutDeleteInOnePageLeavesNothing() throws Exception {
    assertOnePageApplies(put(X, 1), delete(X), put(X, 2), delete(X));
  }

  @Test
  void twoPathsInterleavedInOnePageEndAsTheOriginHasThem() throws Exception {
    assertOnePageApplies(
        put(X, 1), delete(Y), put(Y, 1), delete(X), put(X, 2), put(Y, 2), delete(Y), put(Y, 3));
  }

  @Test
  void aGzPutAsContentBeforeItsPlainPathIsNotOverwrittenByATwin() throws Exception {
    assertOnePageApplies(List.of(X, Y), put(X_GZ, 1), put(X, 2));
  }

  @Test
  void aGzPutAsContentIsKeptWhenItsPlainPathIsDeletedInTheSamePage() throws Exception {
    assertOnePageApplies(List.of(X, Y), put(X_GZ, 1), delete(X));
  }

  @Test
  void aGzDeletedAsContentMakesWayForTheTwinOfItsPlainPath() throws Exception {
    assertOnePageApplies(List.of(X_GZ, Y), delete(X_GZ), put(X, 2));
    // assertStoreIsTheOrigins checked that a twin there inflates to x.json's bytes.
    assertTrue(Files.exists(tmp.resolve("store").resolve(X_GZ)), "x.json has its twin");
  }

  @Test
  void seededSequencesOverThreePathsEachEndAsTheOriginHasThem() throws Exception {
    assertSeededSequencesApply(List.of(X, Y, "p2/other/z.json"), 17);
  }

  @Test
  void seededSequencesOverAPathItsGzAndAnotherEachEndAsTheOriginHasThem() throws Exception {
    assertSeededSequencesApply(List.of(X, X_GZ, Y), 18);
  }

  /**
   * Many short sequences of puts and deletes over {@code paths} (some contents shared between
   * paths, so one download serves several puts), each published while the agent is stopped and
   * applied in one catch-up. The seed is fixed: a failure names the round, and reruns the same.
   */
  private void assertSeededSequencesApply(List<String> paths, long seed) throws Exception {
    Random random = new Random(seed);
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"))) {
      origin.publish(Map.of("packages.json", "{}"), List.of());
      Path storeDir = tmp.resolve("store");
      try (Store store = Store.open(storeDir);
          SyncAgent agent = agent(store, origin)) {
        agent.catchUp();
        Set<String> live = new HashSet<>();
        for (int round = 1; round <= 150; round++) {
          int ops = 1 + random.nextInt(5);
          StringBuilder done = new StringBuilder();
          for (int i = 0; i < ops; i++) {
            String path = paths.get(random.nextInt(paths.size()));
            if (live.contains(path) && random.nextInt(2) == 0) {
              origin.publish(Map.of(), List.of(path));
              live.remove(path);
              done.append(" delete ").append(path);
            } else {
              int version = random.nextInt(4);
              origin.publish(Map.of(path, content(version)), List.of());
              live.add(path);
              done.append(" put ").append(path).append('#').append(version);
            }
          }
          agent.catchUp();
          assertStoreIsTheOrigins(origin, store, storeDir, "round " + round + ":" + done);
        }
      }
    }
  }

  private record Op(String path, Integer version) {}

  private static Op put(String path, int version) {
    return new Op(path, version);
  }

  private static Op delete(String path) {
    return new Op(path, null);
  }

  /** With {@link #Y} there before the page, {@link #X} not. */
  private void assertOnePageApplies(Op... ops) throws Exception {
    assertOnePageApplies(List.of(Y), ops);
  }

  private void assertOnePageApplies(List<String> before, Op... ops) throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"))) {
      Map<String, String> initial = new TreeMap<>();
      initial.put("packages.json", "{}");
      before.forEach(path -> initial.put(path, content(0)));
      origin.publish(initial, List.of());
      Path storeDir = tmp.resolve("store");
      try (Store store = Store.open(storeDir);
          SyncAgent agent = agent(store, origin)) {
        agent.catchUp();
        long head = origin.head();
        List<Long> pages = new ArrayList<>();
        agent.onCommit(entries -> pages.add(entries.get(0).seq()));
        for (Op op : ops) {
          if (op.version() == null) {
            origin.publish(Map.of(), List.of(op.path()));
          } else {
            origin.publish(Map.of(op.path(), content(op.version())), List.of());
          }
        }
        assertEquals(head + ops.length, origin.head(), "every operation journals an entry");

        agent.catchUp();

        assertEquals(List.of(head + 1), pages, "one page");
        assertStoreIsTheOrigins(origin, store, storeDir, List.of(ops).toString());
      }
    }
  }

  private static SyncAgent agent(Store store, TestOrigin origin) {
    // Pages here remove most of a 3- or 4-file tree: not what the shrink guard is about.
    return new SyncAgent(
        store,
        SyncAgent.Config.defaults(origin.uri()).withMaxShrinkPercent(100),
        Clock.systemUTC());
  }

  /** Files, twins and mtimes; the manifest in memory and as the next start would read it. */
  private static void assertStoreIsTheOrigins(
      TestOrigin origin, Store store, Path storeDir, String what) throws IOException {
    assertEquals(origin.head(), store.cursor().seq(), what);
    StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
    Map<String, String> expected = new TreeMap<>();
    for (String path : origin.tree().keySet()) {
      expected.put(path, origin.sha256(path) + " @" + origin.time(path));
    }
    assertEquals(expected, listing(store.files()), "the manifest in memory after " + what);
    assertEquals(
        expected, listing(Store.read(storeDir).files()), "the manifest on disk after " + what);
  }

  private static Map<String, String> listing(Collection<LocalFile> files) {
    Map<String, String> out = new TreeMap<>();
    for (LocalFile f : files) {
      out.put(f.path().value(), f.sha256().hex() + " @" + f.time());
    }
    return out;
  }

  /** Large enough to get a twin; distinct per version. */
  /** Over {@code CompressedTypes.MIN_GZIP_BYTES}, so that every version gets a twin. */
  private static String content(int version) {
    return "{\"version\":" + version + ",\"readme\":\"" + "metadata ".repeat(120) + "\"}";
  }
}
