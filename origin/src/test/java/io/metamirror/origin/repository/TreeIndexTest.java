package io.metamirror.origin.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TreeIndexTest {
  private static final Epoch EPOCH = new Epoch("9f86d081884c7d659a2feaa0c55ad015");

  private static ContentPath path(String value) {
    return ContentPath.parse(value);
  }

  private static Sha256 sha(int n) {
    return Sha256.of(Integer.toString(n).getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> paths(TreeSnapshot snapshot) {
    List<String> out = new ArrayList<>();
    snapshot.files().forEach(f -> out.add(f.path().value()));
    return out;
  }

  @Test
  void aPutIsFoundWithEveryField() {
    TreeIndex tree = new TreeIndex();
    tree.put(path("p2/acme/widget.json"), sha(1), 812, 1763791335123L, 7);

    assertEquals(
        new TreeFile(path("p2/acme/widget.json"), sha(1), 812, 1763791335123L, 7),
        tree.get(path("p2/acme/widget.json")));
    assertNull(tree.get(path("p2/acme/other.json")));
    assertEquals(1, tree.size());
  }

  @Test
  void aSecondPutReplacesTheFileInPlace() {
    TreeIndex tree = new TreeIndex();
    tree.put(path("packages.json"), sha(1), 10, 1000, 1);
    tree.put(path("packages.json"), sha(2), 20, 2000, 2);

    assertEquals(
        new TreeFile(path("packages.json"), sha(2), 20, 2000, 2), tree.get(path("packages.json")));
    assertEquals(1, tree.size());
  }

  @Test
  void removeForgetsOnlyThatPathAndReportsWhetherItWasThere() {
    TreeIndex tree = new TreeIndex();
    tree.put(path("a.json"), sha(1), 1, 1, 1);
    tree.put(path("b.json"), sha(2), 2, 2, 2);

    assertTrue(tree.remove(path("a.json")));
    assertFalse(tree.remove(path("a.json")));
    assertNull(tree.get(path("a.json")));
    assertEquals(sha(2), tree.get(path("b.json")).sha256());
    assertEquals(1, tree.size());
  }

  @Test
  void growsFarBeyondItsFirstCapacityAndSurvivesHeavyChurn() {
    TreeIndex tree = new TreeIndex(16);
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      tree.put(path("p2/v" + (i % 97) + "/pkg-" + i + ".json"), sha(i), i, i, i + 1);
    }
    // Delete every other file (enough dead path bytes to rewrite the arena), then add them back.
    for (int i = 0; i < n; i += 2) {
      assertTrue(tree.remove(path("p2/v" + (i % 97) + "/pkg-" + i + ".json")));
    }
    assertEquals(n / 2, tree.size());
    for (int i = 0; i < n; i++) {
      TreeFile f = tree.get(path("p2/v" + (i % 97) + "/pkg-" + i + ".json"));
      if (i % 2 == 0) {
        assertNull(f);
      } else {
        assertEquals(sha(i), f.sha256());
        assertEquals(i + 1, f.seq());
      }
    }
    for (int i = 0; i < n; i += 2) {
      tree.put(path("p2/v" + (i % 97) + "/pkg-" + i + ".json"), sha(-i), i, i, n + i);
    }
    assertEquals(n, tree.size());
    assertEquals(sha(0), tree.get(path("p2/v0/pkg-0.json")).sha256());
    assertEquals(n + 2, tree.get(path("p2/v2/pkg-2.json")).seq());
  }

  @Test
  void aMillionFilesCostAboutAHundredBytesEachBesideTheirPaths() {
    int n = 1_000_000;
    TreeIndex tree = new TreeIndex(n);
    long pathBytes = 0;
    for (int i = 0; i < n; i++) {
      String p = "p2/vendor" + (i / 1000) + "/package-" + i + ".json";
      pathBytes += p.length();
      tree.put(path(p), sha(i), 1000, 1763791335123L, i + 1);
    }

    long perFile = (tree.heapBytes() - pathBytes) / n;
    // Columns 68 B, hash slots at most 16 B, and the last arena chunk's slack.
    assertTrue(perFile <= 100, "bytes per file: " + perFile);
    assertEquals(n, tree.size());
  }

  @Test
  void aSnapshotIsSortedAsContentPathsSortAndIgnoresLaterChanges() {
    TreeIndex tree = new TreeIndex();
    // U+FF21 (lead byte EF) sorts after U+1F600 (lead byte F0) in UTF-16, before it in UTF-8.
    List<String> names =
        List.of("z.json", "a/b.json", "a.json", "\uFF21.json", "\uD83D\uDE00.json", "é.json");
    for (int i = 0; i < names.size(); i++) {
      tree.put(path(names.get(i)), sha(i), i, i, i + 1);
    }
    TreeSnapshot snapshot = tree.snapshot(EPOCH, 6).sortByPath();
    tree.put(path("a.json"), sha(99), 99, 99, 7);
    tree.remove(path("z.json"));

    List<String> expected = new ArrayList<>(names);
    expected.sort(String::compareTo);
    assertEquals(expected, paths(snapshot));
    assertEquals(6, snapshot.size());
    TreeFile a = snapshot.files().iterator().next();
    assertEquals(new TreeFile(path("a.json"), sha(2), 2, 2, 3), a);
  }

  @Test
  void readersSeeEveryFileWholeWhileThePublisherChangesOthers() throws Exception {
    TreeIndex tree = new TreeIndex(16);
    for (int i = 0; i < 1000; i++) {
      tree.put(path("stable/" + i + ".json"), sha(i), i, i, i + 1);
    }
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService readers = Executors.newFixedThreadPool(2);
    List<Future<Integer>> checks = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      checks.add(
          readers.submit(
              () -> {
                int rounds = 0;
                while (!done.get() || rounds == 0) {
                  for (int i = 0; i < 1000; i++) {
                    TreeFile f = tree.get(path("stable/" + i + ".json"));
                    if (f == null || !f.sha256().equals(sha(i)) || f.seq() != i + 1) {
                      throw new AssertionError("stable/" + i + ".json read as " + f);
                    }
                  }
                  rounds++;
                }
                return rounds;
              }));
    }
    // The single publisher: growth, replacement, deletion and an arena rewrite under the readers.
    for (int i = 0; i < 100_000; i++) {
      tree.put(path("churn/" + i + ".json"), sha(i), i, i, i);
    }
    for (int i = 0; i < 100_000; i++) {
      tree.remove(path("churn/" + i + ".json"));
    }
    done.set(true);
    for (Future<Integer> check : checks) {
      assertTrue(check.get() > 0);
    }
    readers.shutdown();
    assertEquals(1000, tree.size());
  }
}
