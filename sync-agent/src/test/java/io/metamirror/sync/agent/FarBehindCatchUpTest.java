package io.metamirror.sync.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store far behind the origin (more than a page, and more than {@code snapshotBehindPercent} of
 * its files) catches up from one snapshot, as a delta: what the origin serves it is counted by a
 * proxy in front of a real origin, what it keeps is seen on disk (the same inode and ctime, so
 * neither written nor moved). A store a page or less behind replays the feed, each path fetched
 * once for its last state. And a real agent process halted in the middle of the delta leaves a
 * servable tree that a restart completes.
 */
class FarBehindCatchUpTest {
  /** The tree: files 0 to 39; the catch-ups here are of 36 entries, a page is 10. */
  private static final int FILES = 40;

  private static final int PAGE = 10;

  @TempDir Path tmp;

  @Test
  void aStoreFarBehindCatchesUpFromOneSnapshotAndKeepsItsUnchangedFilesUntouched()
      throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"));
        ByteFlippingProxy proxy = ByteFlippingProxy.start(origin.uri())) {
      origin.publish(initialTree(), List.of());
      Path storeDir = tmp.resolve("store");
      try (Store store = Store.open(storeDir);
          SyncAgent agent = agent(store, proxy, PAGE)) {
        agent.catchUp();
        Map<Path, String> before = identities(storeDir);
        publishBacklog(origin);
        proxy.forgetRequests();

        agent.catchUp();

        assertEquals(1, proxy.requestsUnder("/.metamirror/snapshot").size(), "one snapshot");
        assertEquals(List.of(), proxy.requestsUnder("/.metamirror/blobs/"), "no blob");
        assertEquals(origin.head(), store.cursor().seq());
        StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
        assertEquals(origin.tree().keySet(), listed(Store.read(storeDir)), "the manifest");
        assertUnchangedFilesKept(before, identities(storeDir), storeDir);
        assertEquals(SyncState.FOLLOWING, agent.status().state());
      }
    }
  }

  @Test
  void aPathPutAndDeletedInOnePageIsNeverFetchedAndOneRewrittenIsFetchedOnce() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"));
        ByteFlippingProxy proxy = ByteFlippingProxy.start(origin.uri())) {
      origin.publish(initialTree(), List.of());
      Path storeDir = tmp.resolve("store");
      // Without inline content, as from an origin of before it: every put is a blob request, so
      // the requests show what the page fetched (with it, these small files need none).
      try (Store store = Store.open(storeDir);
          SyncAgent agent =
              new SyncAgent(
                  store,
                  SyncAgent.Config.defaults(proxy.uri()).withPageLimit(1000).withInlineBytes(0),
                  Clock.systemUTC())) {
        agent.catchUp();
        String x = "p2/acme/x.json";
        String y = "p2/acme/y.json";
        origin.publish(Map.of(x, content(100, 1)), List.of());
        origin.publish(Map.of(x, content(100, 2)), List.of());
        origin.publish(Map.of(), List.of(x));
        origin.publish(Map.of(x, content(100, 3)), List.of());
        origin.publish(Map.of(y, content(101, 1)), List.of());
        origin.publish(Map.of(), List.of(y));
        origin.publish(Map.of(path(0), content(0, 1)), List.of());
        origin.publish(Map.of(path(0), content(0, 2)), List.of());
        proxy.forgetRequests();

        agent.catchUp();

        Set<String> expected = new HashSet<>();
        expected.add("/.metamirror/blobs/" + origin.sha256(x));
        expected.add("/.metamirror/blobs/" + origin.sha256(path(0)));
        List<String> fetched = proxy.requestsUnder("/.metamirror/blobs/");
        assertEquals(expected, new HashSet<>(fetched), "only the last state of each path");
        assertEquals(2, fetched.size(), "each once");
        assertEquals(List.of(), proxy.requestsUnder("/.metamirror/snapshot"));
        assertEquals(origin.head(), store.cursor().seq());
        StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
        assertEquals(origin.tree().keySet(), listed(Store.read(storeDir)), "the manifest");
      }
    }
  }

  @Test
  void aDeltaThatWouldRemoveMostFilesIsRefusedByTheShrinkGuard() throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"))) {
      origin.publish(initialTree(), List.of());
      Path storeDir = tmp.resolve("store");
      try (Store store = Store.open(storeDir);
          SyncAgent agent = agent(store, origin.uri(), PAGE)) {
        agent.catchUp();
        Map<String, byte[]> before = StoreAssertions.contentFiles(storeDir, origin.tree());
        for (int i = 0; i < 30; i++) { // a page of 10 deletes removes 25 %, the backlog 75 %
          origin.publish(Map.of(), List.of(path(i)));
        }

        assertThrows(ShrinkRefusedException.class, agent::catchUp);

        Map<String, byte[]> after = StoreAssertions.contentFiles(storeDir, before);
        assertEquals(before.keySet(), after.keySet(), "the old tree keeps serving");
        assertEquals(FILES, store.fileCount());
      }
    }
  }

  @Test
  void anAgentHaltedInTheMiddleOfTheDeltaLeavesAServableTreeAndARestartCompletesIt()
      throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"))) {
      origin.publish(initialTree(), List.of());
      Map<String, Set<String>> versions = new HashMap<>();
      record(versions, origin.tree());
      Path storeDir = tmp.resolve("store");
      try (Store store = Store.open(storeDir);
          SyncAgent agent = agent(store, origin.uri(), PAGE)) {
        agent.catchUp();
      }
      Map<Path, String> before = identities(storeDir);
      publishBacklog(origin);
      record(versions, origin.tree());

      // 14 install steps: files 0-9 rewritten, 40-43 new, one by one into p2/acme/.
      Process halted = SyncProcessMain.start(origin.uri(), storeDir, PAGE, 5);
      assertTrue(halted.waitFor(120, TimeUnit.SECONDS), "the agent halts");
      assertEquals(137, halted.exitValue(), "halted after 5 install steps of the delta");
      assertServable(storeDir, versions);
      assertTrue(StoreAssertions.cursorSeq(storeDir) < origin.head(), "the cursor did not move");

      Process last = SyncProcessMain.start(origin.uri(), storeDir, PAGE);
      assertTrue(last.waitFor(120, TimeUnit.SECONDS), "the agent finishes");
      assertEquals(0, last.exitValue());
      assertEquals(origin.head(), StoreAssertions.cursorSeq(storeDir));
      StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
      assertUnchangedFilesKept(before, identities(storeDir), storeDir);
    }
  }

  @Test
  void farBehindMeansMoreThanAPageAndMoreThanTheShareOfTheFiles() {
    assertFalse(FollowLoop.farBehind(1000, 0, 1000, 5), "one page is replayed");
    assertTrue(FollowLoop.farBehind(1001, 0, 1000, 5));
    assertFalse(FollowLoop.farBehind(5000, 100_000, 1000, 5), "5 % of the files");
    assertTrue(FollowLoop.farBehind(5001, 100_000, 1000, 5));
    assertTrue(FollowLoop.farBehind(20_000, 2_000, 1000, 5));
    assertFalse(FollowLoop.farBehind(20_000, 2_000, 1000, 0), "0: never");
  }

  /**
   * 36 entries: files 0-9 each put three times more, 10 and 11 deleted, 40-43 new; files 12-39 are
   * left as they were.
   */
  private static void publishBacklog(TestOrigin origin) throws IOException {
    for (int v = 1; v <= 3; v++) {
      for (int i = 0; i < 10; i++) {
        origin.publish(Map.of(path(i), content(i, v)), List.of());
      }
    }
    origin.publish(Map.of(), List.of(path(10), path(11)));
    Map<String, String> added = new TreeMap<>();
    for (int i = FILES; i < FILES + 4; i++) {
      added.put(path(i), content(i, 0));
    }
    origin.publish(added, List.of());
  }

  /** Files 12 to 39 and their twins have the inode and ctime they had before the catch-up. */
  private static void assertUnchangedFilesKept(
      Map<Path, String> before, Map<Path, String> after, Path storeDir) {
    int twins = 0;
    for (int i = 12; i < FILES; i++) {
      Path file = storeDir.resolve(path(i));
      assertEquals(before.get(file), after.get(file), "kept in place: " + path(i));
      Path twin = Store.twinFile(file);
      if (before.containsKey(twin)) {
        twins++;
        assertEquals(before.get(twin), after.get(twin), "twin kept in place: " + path(i));
      }
    }
    assertEquals(FILES - 12, twins, "every kept file has its twin");
  }

  /**
   * Every content file holds a version its path had at the origin, stamped with a journal time;
   * every twin inflates to the file beside it; nothing outside {@code .metamirror/} is dot-named.
   */
  private static void assertServable(Path storeDir, Map<String, Set<String>> versions)
      throws IOException {
    for (Path f : StoreAssertions.contentTree(storeDir)) {
      String rel = storeDir.relativize(f).toString();
      if (f.getFileName().toString().startsWith(".")) {
        fail("temp file visible: " + rel);
      }
      if (rel.endsWith(".gz")) {
        Path file = storeDir.resolve(rel.substring(0, rel.length() - 3));
        assertTrue(Files.exists(file), "a twin without its file: " + rel);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
          assertArrayEquals(Files.readAllBytes(file), in.readAllBytes(), "twin " + rel);
        }
        continue;
      }
      String content = Files.readString(f);
      assertTrue(
          versions.getOrDefault(rel, Set.of()).contains(content),
          "a version of the origin's: " + rel);
    }
  }

  private static void record(Map<String, Set<String>> versions, Map<String, byte[]> tree) {
    tree.forEach(
        (path, bytes) ->
            versions
                .computeIfAbsent(path, p -> new HashSet<>())
                .add(new String(bytes, StandardCharsets.UTF_8)));
  }

  /** Each file's and twin's inode and ctime: what a write or a rename changes. */
  private static Map<Path, String> identities(Path storeDir) throws IOException {
    Map<Path, String> out = new HashMap<>();
    for (Path f : StoreAssertions.contentTree(storeDir)) {
      BasicFileAttributes a =
          Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      out.put(f, a.fileKey() + " ctime " + Files.getAttribute(f, "unix:ctime"));
    }
    return out;
  }

  private static Set<String> listed(Store.Snapshot snapshot) {
    Set<String> out = new HashSet<>();
    snapshot.files().forEach(f -> out.add(f.path().value()));
    return out;
  }

  private static Map<String, String> initialTree() {
    Map<String, String> tree = new TreeMap<>();
    for (int i = 0; i < FILES; i++) {
      tree.put(path(i), content(i, 0));
    }
    return tree;
  }

  private static String path(int i) {
    return "p2/acme/f" + i + ".json";
  }

  /** Over the twin threshold (1 KiB), distinct per file and version. */
  private static String content(int i, int version) {
    return "{\"i\":" + i + ",\"v\":" + version + ",\"pad\":\"" + "metadata ".repeat(150) + "\"}";
  }

  private static SyncAgent agent(Store store, ByteFlippingProxy proxy, int pageLimit) {
    return agent(store, proxy.uri(), pageLimit);
  }

  private static SyncAgent agent(Store store, URI origin, int pageLimit) {
    return new SyncAgent(
        store, SyncAgent.Config.defaults(origin).withPageLimit(pageLimit), Clock.systemUTC());
  }
}
