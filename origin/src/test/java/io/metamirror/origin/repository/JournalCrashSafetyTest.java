package io.metamirror.origin.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.JournalEntry;
import io.metamirror.protocol.Sha256;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalCrashSafetyTest {
  @TempDir Path tmp;

  private static final OriginRepository.Options OPTIONS =
      OriginRepository.Options.defaults().withCheckpointEvery(1_000_000);

  /** Batch A: three puts. Batch B: an overwrite, a new file and a delete. */
  private static Map<String, String> publishTwoBatches(OriginRepository repo) throws IOException {
    publish(
        repo, Map.of("p2/a.json", "a1", "p2/b.json", "b1", "packages.json", "root1"), List.of());
    publish(repo, Map.of("p2/a.json", "a2", "p2/c.json", "c1"), List.of("p2/b.json"));
    return Map.of("p2/a.json", "a2", "p2/c.json", "c1", "packages.json", "root1");
  }

  private static final Map<String, String> AFTER_A =
      Map.of("p2/a.json", "a1", "p2/b.json", "b1", "packages.json", "root1");

  static PublishResult publish(
      OriginRepository repo, Map<String, String> puts, List<String> deletes) throws IOException {
    List<Change> changes = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(puts).entrySet()) {
      changes.add(
          Change.put(
              ContentPath.parse(e.getKey()),
              repo.stage(e.getValue().getBytes(StandardCharsets.UTF_8))));
    }
    for (String d : deletes) {
      changes.add(Change.delete(ContentPath.parse(d)));
    }
    return repo.publish(changes);
  }

  static Map<String, String> tree(OriginRepository repo) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (TreeFile f : repo.snapshot().files()) {
      byte[] bytes = Files.readAllBytes(repo.blobPath(f.sha256()));
      assertEquals(f.sha256(), Sha256.of(bytes), "blob of " + f.path() + " matches its hash");
      out.put(f.path().value(), new String(bytes, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Copies the directory as a crash would leave it: everything on disk, no lock holder. */
  private static void copyDataDir(Path from, Path to) throws IOException {
    PathUtils.copyDirectory(from, to);
    Files.deleteIfExists(to.resolve(".lock"));
  }

  private static Path onlySegment(Path data) throws IOException {
    try (Stream<Path> files = Files.list(data.resolve("journal"))) {
      List<Path> segments = files.toList();
      assertEquals(1, segments.size());
      return segments.get(0);
    }
  }

  @Test
  void everyCutOfTheLastBatchLeavesTheWholeBatchOrNone() throws Exception {
    Path live = tmp.resolve("live");
    Path crashed = tmp.resolve("crashed");
    Epoch epoch;
    long sizeAfterA;
    Map<String, String> afterB;
    try (OriginRepository repo = OriginRepository.open(live, OPTIONS, Clock.systemUTC())) {
      epoch = repo.epoch();
      publish(repo, AFTER_A, List.of());
      repo.checkpoint(); // recovery must combine a checkpoint with a torn journal
      sizeAfterA = Files.size(onlySegment(live));
      publish(repo, Map.of("p2/a.json", "a2", "p2/c.json", "c1"), List.of("p2/b.json"));
      afterB = Map.of("p2/a.json", "a2", "p2/c.json", "c1", "packages.json", "root1");
      copyDataDir(live, crashed);
    }
    byte[] journal = Files.readAllBytes(onlySegment(crashed));
    assertTrue(journal.length > sizeAfterA);

    for (long cut = sizeAfterA; cut <= journal.length; cut++) {
      Path dir = tmp.resolve("cut-" + cut);
      copyDataDir(crashed, dir);
      try (FileChannel ch = FileChannel.open(onlySegment(dir), StandardOpenOption.WRITE)) {
        ch.truncate(cut);
      }
      try (OriginRepository repo = OriginRepository.open(dir, OPTIONS, Clock.systemUTC())) {
        boolean whole = cut == journal.length;
        assertEquals(epoch, repo.epoch(), "epoch after cut at " + cut);
        assertEquals(whole ? 6 : 3, repo.head(), "head after cut at " + cut);
        assertEquals(whole ? afterB : AFTER_A, tree(repo), "tree after cut at " + cut);
        // The next batch continues the sequence with no gap.
        PublishResult next = publish(repo, Map.of("next.json", "n" + cut), List.of());
        assertEquals(repo.head(), next.head());
        assertSeqsHaveNoGaps(repo);
      }
      try (OriginRepository again = OriginRepository.open(dir, OPTIONS, Clock.systemUTC())) {
        assertEquals(cut == journal.length ? 7 : 4, again.head(), "head survives reopening");
      }
      PathUtils.deleteDirectory(dir);
    }
  }

  @Test
  void aFlippedByteInTheLastBatchDiscardsOnlyThatBatch() throws Exception {
    Path live = tmp.resolve("live");
    long sizeAfterA;
    try (OriginRepository repo = OriginRepository.open(live, OPTIONS, Clock.systemUTC())) {
      publish(repo, AFTER_A, List.of());
      sizeAfterA = Files.size(onlySegment(live));
      publish(repo, Map.of("p2/a.json", "a2", "p2/c.json", "c1"), List.of("p2/b.json"));
    }
    byte[] journal = Files.readAllBytes(onlySegment(live));
    for (long at = sizeAfterA; at < journal.length; at += 7) {
      Path dir = tmp.resolve("flip-" + at);
      copyDataDir(live, dir);
      Files.delete(dir.resolve(Checkpoint.FILE_NAME));
      byte[] damaged = journal.clone();
      damaged[(int) at] ^= 0x20;
      Files.write(onlySegment(dir), damaged);
      try (OriginRepository repo = OriginRepository.open(dir, OPTIONS, Clock.systemUTC())) {
        assertEquals(3, repo.head(), "head after flipping byte " + at);
        assertEquals(AFTER_A, tree(repo));
      }
      PathUtils.deleteDirectory(dir);
    }
  }

  @Test
  void damageInsideCommittedHistoryRefusesToStart() throws Exception {
    Path live = tmp.resolve("live");
    try (OriginRepository repo = OriginRepository.open(live, OPTIONS, Clock.systemUTC())) {
      publishTwoBatches(repo);
    }
    Files.delete(live.resolve(Checkpoint.FILE_NAME));
    Path segment = onlySegment(live);
    byte[] journal = Files.readAllBytes(segment);
    int firstEntry = new String(journal, StandardCharsets.US_ASCII).indexOf("\nE ") + 20;
    journal[firstEntry] ^= 0x01;
    Files.write(segment, journal);
    CorruptDataException e =
        assertThrows(
            CorruptDataException.class,
            () -> OriginRepository.open(live, OPTIONS, Clock.systemUTC()));
    assertTrue(e.getMessage().contains("damaged inside committed history"), e.getMessage());
    assertArrayEquals(journal, Files.readAllBytes(segment), "nothing was cut");
  }

  @Test
  void startUpFromACheckpointReplaysOnlyTheJournalAfterIt() throws Exception {
    Path live = tmp.resolve("live");
    Map<String, String> expected;
    try (OriginRepository repo = OriginRepository.open(live, OPTIONS, Clock.systemUTC())) {
      expected = publishTwoBatches(repo);
    } // close writes a checkpoint at head 6
    assertTrue(Files.readString(live.resolve(Checkpoint.FILE_NAME)).contains("seq=6 files=3"));
    try (OriginRepository repo = OriginRepository.open(live, OPTIONS, Clock.systemUTC())) {
      assertEquals(6, repo.head());
      assertEquals(expected, tree(repo));
    }
  }

  static void assertSeqsHaveNoGaps(OriginRepository repo) throws IOException {
    long expected = repo.firstRetainedSeq();
    for (byte[] json : repo.readFeed(repo.firstRetainedSeq() - 1, repo.head(), 100_000)) {
      assertEquals(expected++, JournalEntry.parse(json).seq());
    }
    assertEquals(repo.head() + 1, expected);
  }
}
