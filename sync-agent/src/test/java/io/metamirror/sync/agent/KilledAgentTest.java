package io.metamirror.sync.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.JournalEntry;
import io.metamirror.protocol.Sha256;
import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.origin.TestOrigin;
import io.metamirror.testsupport.process.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real agent process (SIGKILL) at 50 moments of a 5,000-entry catch-up and checks, after
 * each kill, that the store is a prefix of the origin's history (files possibly newer) with no
 * partial file at a content path, every twin the twin of the file beside it, and no temp file in
 * the served tree; and at the end that it equals the origin.
 *
 * <p>A kill while a page's blobs are being fetched leaves their temp files behind. The store's
 * contract (see {@link Store}) allows that in {@code .metamirror/tmp/} only, where nothing serves
 * them, and the next {@link Store#open} deletes them. So after each kill nothing outside {@code
 * .metamirror/} is dot-named, and once a later agent has committed a page, the temp files of
 * earlier kills are gone. Every other kill waits until a temp file exists, so that kills land in
 * the middle of a page and not only right after a commit (where the cursor moves).
 *
 * <p>5,000 entries over a 500-file tree is a backlog the agent would catch up from the snapshot:
 * the agents here replay, which is what is tested; {@link FarBehindCatchUpTest} kills the other.
 */
class KilledAgentTest {
  @TempDir Path tmp;

  @Test
  void anAgentKilledFiftyTimesDuringCatchUpIsAlwaysPrefixConsistentAndConverges() throws Exception {
    Random random = new Random(2026);
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"))) {
      Map<String, String> initial = new TreeMap<>();
      for (int i = 0; i < 500; i++) {
        initial.put("p2/v" + (i % 20) + "/p" + i + ".json", padded("{\"i\":" + i + ",\"v\":0"));
      }
      initial.put("packages.json", "{\"round\":0}");
      origin.publish(initial, List.of());
      Path storeDir = tmp.resolve("store");
      try (Store store = Store.open(storeDir);
          SyncAgent agent =
              new SyncAgent(store, SyncAgent.Config.defaults(origin.uri()), Clock.systemUTC())) {
        agent.catchUp();
      }
      long start = origin.head();

      // 5,000 entries: new files, overwrites, deletes, and an index every few entries.
      List<String> live = new ArrayList<>(initial.keySet());
      live.remove("packages.json");
      int next = 500;
      while (origin.head() < start + 5000) {
        Map<String, String> puts = new TreeMap<>();
        List<String> deletes = new ArrayList<>();
        for (int j = 0; j < 9; j++) {
          int kind = random.nextInt(4);
          if (kind <= 1) {
            String p = "p2/v" + (next % 20) + "/p" + next + ".json";
            next++;
            puts.put(p, padded("{\"i\":" + next + ",\"v\":1"));
            live.add(p);
          } else if (kind == 2) {
            puts.put(live.get(random.nextInt(live.size())), padded("{\"v\":" + random.nextInt()));
          } else {
            String p = live.remove(random.nextInt(live.size()));
            if (!puts.containsKey(p)) {
              deletes.add(p);
            }
          }
        }
        puts.put("packages.json", "{\"round\":" + next + "}");
        origin.publish(puts, deletes);
      }
      long head = origin.head();
      History history = History.of(origin);

      long[] targets = random.longs(50, start + 1, head).sorted().toArray();
      int killedDuringCatchUp = 0;
      int killsLeavingTempFiles = 0;
      Set<Path> leftBehind = new HashSet<>(); // temp files of kills since the last commit
      long cursorBefore = StoreAssertions.cursorSeq(storeDir);
      for (int k = 0; k < targets.length; k++) {
        Process agent = SyncProcessMain.startReplaying(origin.uri(), storeDir, 25);
        long reached = awaitCursor(storeDir, agent, targets[k]);
        if (k % 2 == 1) {
          awaitTempFile(storeDir, agent);
        }
        ChildJvm.kill(agent);
        if (reached < head) {
          killedDuringCatchUp++;
        }
        long cursorAfter = StoreAssertions.cursorSeq(storeDir);
        if (cursorAfter > cursorBefore) {
          // This agent committed a page, so it had opened the store, which deletes temp files.
          for (Path p : leftBehind) {
            assertTrue(
                !Files.exists(p),
                "temp file of an earlier kill survived a restart: " + storeDir.relativize(p));
          }
          leftBehind.clear();
        }
        cursorBefore = cursorAfter;
        List<Path> temps = history.assertPrefixConsistent(storeDir);
        if (!temps.isEmpty()) {
          killsLeavingTempFiles++;
          leftBehind.addAll(temps);
        }
      }
      assertTrue(
          killedDuringCatchUp >= 45, "kills landed during the catch-up: " + killedDuringCatchUp);
      assertTrue(
          killsLeavingTempFiles >= 1,
          "some kill landed while a page's temp files were in the tree: " + killsLeavingTempFiles);

      Process last = SyncProcessMain.startReplaying(origin.uri(), storeDir, 25);
      assertTrue(last.waitFor(120, TimeUnit.SECONDS), "the agent finishes");
      assertEquals(0, last.exitValue());
      StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
      assertEquals(head, StoreAssertions.cursorSeq(storeDir));
      assertEquals(List.of(), tempFiles(storeDir), "an agent that finishes leaves no temp file");
    }
  }

  /** A JSON object that starts with {@code head} and is large enough to get a twin. */
  private static String padded(String head) {
    return head + ",\"pad\":\"" + "ab".repeat(100) + "\"}";
  }

  /** Waits until the store's cursor reaches {@code target} (or the agent exits); returns it. */
  private static long awaitCursor(Path storeDir, Process agent, long target) throws Exception {
    for (int i = 0; i < 60_000; i++) {
      long seq = StoreAssertions.cursorSeq(storeDir);
      if (seq >= target || !agent.isAlive()) {
        return seq;
      }
      Thread.sleep(1);
    }
    throw new AssertionError("the agent did not reach seq " + target);
  }

  /**
   * Waits until a temp file exists (a page's blobs are being fetched), the agent exits, or 2 s
   * pass.
   */
  private static void awaitTempFile(Path storeDir, Process agent) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (agent.isAlive() && System.nanoTime() < deadline) {
      if (!tempFiles(storeDir).isEmpty()) {
        return;
      }
    }
  }

  /** The files in {@code .metamirror/tmp/}. */
  private static List<Path> tempFiles(Path storeDir) throws IOException {
    Path temp = storeDir.resolve(Store.STATE_DIR).resolve(Store.TEMP_DIR);
    if (!Files.isDirectory(temp)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(temp)) {
      return files.toList();
    }
  }

  /** Every version of every path, to judge a store against. */
  private record History(List<JournalEntry> entries) {
    static History of(TestOrigin origin) throws IOException {
      List<JournalEntry> entries = new ArrayList<>();
      for (byte[] json : origin.repository().readFeed(0, origin.head(), Integer.MAX_VALUE)) {
        entries.add(JournalEntry.parse(json));
      }
      return new History(entries);
    }

    /**
     * The store's files equal the tree at its cursor C, except that a file may be in any state it
     * reaches after C (newer content, or deleted later); a twin is beside its file and inflates to
     * its bytes; nothing outside {@code .metamirror/} is dot-named. Returns the temp files in
     * {@code .metamirror/tmp/}.
     */
    List<Path> assertPrefixConsistent(Path storeDir) throws IOException {
      long cursor = StoreAssertions.cursorSeq(storeDir);
      Map<String, Sha256> atCursor = new HashMap<>();
      Map<String, Set<Sha256>> newer = new HashMap<>();
      Set<String> deletedLater = new HashSet<>();
      Set<String> everywhere = new HashSet<>();
      for (JournalEntry e : entries) {
        String p = e.path().value();
        everywhere.add(p);
        if (e.seq() <= cursor) {
          if (e.op() == JournalEntry.Op.PUT) {
            atCursor.put(p, e.sha256());
          } else {
            atCursor.remove(p);
          }
        } else if (e.op() == JournalEntry.Op.PUT) {
          newer.computeIfAbsent(p, k -> new HashSet<>()).add(e.sha256());
        } else {
          deletedLater.add(p);
        }
      }
      Map<String, Sha256> inStore = new HashMap<>();
      Map<String, Sha256> twins = new HashMap<>();
      try (Stream<Path> walk = Files.walk(storeDir)) {
        for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
          String rel = storeDir.relativize(f).toString();
          if (rel.startsWith(".metamirror/")) {
            continue;
          }
          assertTrue(
              !f.getFileName().toString().startsWith("."),
              "a dot-named file in the served tree: " + rel);
          if (rel.endsWith(".gz") && !everywhere.contains(rel)) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
              twins.put(rel.substring(0, rel.length() - 3), Sha256.of(in));
            }
            continue;
          }
          try (InputStream in = Files.newInputStream(f)) {
            inStore.put(rel, Sha256.of(in));
          }
        }
      }
      Set<String> paths = new HashSet<>(inStore.keySet());
      paths.addAll(atCursor.keySet());
      for (String p : paths) {
        Sha256 have = inStore.get(p);
        Sha256 expected = atCursor.get(p);
        boolean ok =
            have == null
                ? expected == null || deletedLater.contains(p)
                : have.equals(expected) || newer.getOrDefault(p, Set.of()).contains(have);
        assertTrue(
            ok, p + " at cursor " + cursor + ": store has " + have + ", tree has " + expected);
      }
      twins.forEach(
          (of, inflated) ->
              assertEquals(
                  inStore.get(of),
                  inflated,
                  "the twin of " + of + " (null: a twin without its file) at cursor " + cursor));
      return tempFiles(storeDir);
    }
  }
}
