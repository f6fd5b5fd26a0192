package io.metamirror.sync.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FileIndexTest {

  /** Version {@code v} of {@code path}: every field follows from {@code v}, so a torn one shows. */
  private static LocalFile version(ContentPath path, long v) {
    return new LocalFile(path, sha(v), v, 1_700_000_000_000L + v, v);
  }

  private static Sha256 sha(long v) {
    return Sha256.of(ByteBuffer.allocate(8).putLong(v).array());
  }

  private static ContentPath composerPath(int i) {
    return ContentPath.parse("p2/vendor" + (i % 5000) + "/package-" + i + ".json");
  }

  @Test
  void aPutEntryIsReadBackWholeAndAnUnknownPathIsNull() {
    FileIndex index = new FileIndex();
    ContentPath path = ContentPath.parse("p2/acme/widget.json");
    index.put(version(path, 7));

    assertEquals(version(path, 7), index.get(path));
    assertNull(index.get(ContentPath.parse("p2/acme/gadget.json")));
    assertEquals(1, index.size());
    assertEquals(7, index.totalSize());
  }

  @Test
  void anOverwriteReplacesTheEntryInPlace() {
    FileIndex index = new FileIndex();
    ContentPath path = ContentPath.parse("packages.json");
    index.put(version(path, 1));
    long footprint = index.footprintBytes();

    index.put(version(path, 2));

    assertEquals(version(path, 2), index.get(path));
    assertEquals(1, index.size());
    assertEquals(2, index.totalSize());
    assertEquals(footprint, index.footprintBytes(), "an overwrite takes no new room");
  }

  @Test
  void aDeletedEntryIsGoneAndItsPathCanComeBack() {
    FileIndex index = new FileIndex();
    ContentPath a = ContentPath.parse("a.json");
    ContentPath b = ContentPath.parse("b.json");
    index.put(version(a, 1));
    index.put(version(b, 2));

    index.remove(a);
    index.remove(ContentPath.parse("never.json"));

    assertNull(index.get(a));
    assertEquals(version(b, 2), index.get(b));
    assertEquals(1, index.size());
    assertEquals(2, index.totalSize());
    index.put(version(a, 3));
    assertEquals(version(a, 3), index.get(a));
    assertEquals(2, index.size());
  }

  @Test
  void growingAndDeletingKeepsEveryOtherEntryFindable() {
    FileIndex index = new FileIndex();
    int n = 3 * FileIndex.PAGE + 17; // several pages, several rehashes
    for (int i = 0; i < n; i++) {
      index.put(version(composerPath(i), i));
    }
    for (int i = 0; i < n; i += 2) {
      index.remove(composerPath(i));
    }
    for (int i = 0; i < n; i += 4) {
      index.put(version(composerPath(i), i + 1)); // back, in reused ids
    }
    for (int i = 0; i < n; i++) {
      LocalFile expected =
          i % 4 == 0
              ? version(composerPath(i), i + 1)
              : i % 2 == 0 ? null : version(composerPath(i), i);
      assertEquals(expected, index.get(composerPath(i)), "entry " + i);
    }
  }

  @Test
  void manyDeletesGiveTheirPathBytesBack() {
    FileIndex index = new FileIndex();
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      index.put(version(composerPath(i), i));
    }
    long full = index.footprintBytes();
    for (int i = 0; i < n; i++) {
      if (i % 10 != 0) {
        index.remove(composerPath(i));
      }
    }
    for (int i = 0; i < n; i++) { // new paths, into the freed ids and a compacted arena
      if (i % 10 != 0) {
        index.put(version(ContentPath.parse("p2/other/x" + i + ".json"), i));
      }
    }

    assertTrue(
        index.footprintBytes() <= full + PathArena.CHUNK,
        "footprint " + index.footprintBytes() + " > " + full);
    assertEquals(version(composerPath(10), 10), index.get(composerPath(10)));
    assertEquals(
        version(ContentPath.parse("p2/other/x11.json"), 11),
        index.get(ContentPath.parse("p2/other/x11.json")));
    assertEquals(n, index.size());
  }

  @Test
  void iterationListsEveryLiveEntryOnce() {
    FileIndex index = new FileIndex();
    Map<ContentPath, LocalFile> expected = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      index.put(version(composerPath(i), i));
      expected.put(composerPath(i), version(composerPath(i), i));
    }
    for (int i = 0; i < 1000; i += 3) {
      index.remove(composerPath(i));
      expected.remove(composerPath(i));
    }

    Map<ContentPath, LocalFile> listed = new HashMap<>();
    for (LocalFile f : index.all()) {
      assertNull(listed.put(f.path(), f), "listed twice: " + f.path());
    }
    assertEquals(expected, listed);
    assertEquals(expected.size(), index.all().size());
  }

  @Test
  void pathOrderIsByUtf8BytesAndStartsAfterTheGivenPath() {
    FileIndex index = new FileIndex();
    List<String> paths = List.of("b/z.json", "a.json", "b/a.json", "é.json", "b.json", "A.json");
    for (int i = 0; i < paths.size(); i++) {
      index.put(version(ContentPath.parse(paths.get(i)), i));
    }
    List<String> sorted = new ArrayList<>(paths);
    sorted.sort(
        Comparator.comparing(p -> p.getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned));

    assertEquals(sorted, listing(index.inPathOrder(null)));
    assertEquals(
        sorted.subList(3, sorted.size()),
        listing(index.inPathOrder(ContentPath.parse(sorted.get(2)))));
    assertEquals(
        List.of(), listing(index.inPathOrder(ContentPath.parse(sorted.get(sorted.size() - 1)))));
  }

  @Test
  void aPathOrderListingSkipsWhatWasRemovedMeanwhile() {
    FileIndex index = new FileIndex();
    for (String p : List.of("a", "b", "c")) {
      index.put(version(ContentPath.parse(p), 1));
    }
    Iterable<LocalFile> order = index.inPathOrder(null);
    index.remove(ContentPath.parse("b"));
    index.put(version(ContentPath.parse("0"), 1)); // takes b's id, out of order: skipped

    assertEquals(List.of("a", "c"), listing(order));
  }

  private static List<String> listing(Iterable<LocalFile> files) {
    List<String> out = new ArrayList<>();
    files.forEach(f -> out.add(f.path().value()));
    return out;
  }

  @Test
  void readersNeverSeeATornEntryWhileTheWriterPutsDeletesAndGrows() throws Exception {
    FileIndex index = new FileIndex();
    int paths = 2000;
    AtomicBoolean done = new AtomicBoolean();
    List<String> torn = new CopyOnWriteArrayList<>();
    AtomicLong reads = new AtomicLong();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      int seed = r;
      Thread reader =
          new Thread(
              () -> {
                for (int i = seed; !done.get() || i % paths != 0; i++) {
                  ContentPath path = composerPath(i % paths);
                  LocalFile f = index.get(path);
                  if (f != null && !f.equals(version(path, f.seq()))) {
                    torn.add(f.toString());
                  }
                  if (i % 97 == 0) {
                    for (LocalFile g : index.all()) {
                      if (!g.equals(version(g.path(), g.seq()))) {
                        torn.add(g.toString());
                      }
                    }
                  }
                  reads.incrementAndGet();
                }
              });
      reader.start();
      readers.add(reader);
    }
    for (int round = 0; round < 60; round++) {
      for (int i = 0; i < paths; i++) {
        if ((i + round) % 7 == 0) {
          index.remove(composerPath(i));
        } else {
          index.put(version(composerPath(i), round * paths + i));
        }
      }
      // A path that appears and goes each round: rehashes and arena compactions meanwhile.
      for (int i = 0; i < 500; i++) {
        index.put(version(ContentPath.parse("churn/" + round + "/" + i), i));
      }
      for (int i = 0; i < 500; i++) {
        index.remove(ContentPath.parse("churn/" + round + "/" + i));
      }
    }
    done.set(true);
    for (Thread reader : readers) {
      reader.join();
    }

    assertEquals(List.of(), torn, "entries mixed from two versions");
    assertTrue(reads.get() > 0);
  }

  @Test
  void aMillionComposerFilesTakeAbout110BytesEach() {
    FileIndex index = new FileIndex();
    int n = 1_000_000;
    long pathBytes = 0;
    Sha256 sha = sha(1);
    for (int i = 0; i < n; i++) {
      ContentPath path = composerPath(i);
      pathBytes += path.value().length();
      index.put(new LocalFile(path, sha, 2048, 1_700_000_000_000L, i));
    }

    long perFile = index.footprintBytes() / n;
    // 68 B of fields + the path's bytes (~32 here) + 8-16 B of table; a ConcurrentHashMap of
    // records took ~300 B.
    assertTrue(perFile <= 68 + pathBytes / n + 20, "bytes per file: " + perFile);
    assertEquals(version(composerPath(123_456), 0).path(), index.get(composerPath(123_456)).path());
    assertEquals(n, index.size());
  }
}
