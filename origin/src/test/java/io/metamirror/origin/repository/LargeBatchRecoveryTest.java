package io.metamirror.origin.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch larger than recovery holds as entries ({@link JournalSegment#PENDING_LIMIT}; one
 * publish-dir of a big tree is one batch) replays from its lines: whole when committed, not at all
 * when its commit line is missing.
 */
class LargeBatchRecoveryTest {
  @TempDir Path data;

  private static final int FILES = JournalSegment.PENDING_LIMIT + 5;

  private static Map<String, String> bigBatch() {
    Map<String, String> puts = new TreeMap<>();
    for (int i = 0; i < FILES; i++) {
      puts.put("p2/acme/pkg-" + i + ".json", "{\"n\":" + i + "}");
    }
    return puts;
  }

  private OriginRepository open() throws IOException {
    return OriginRepository.open(data, OriginRepository.Options.defaults(), Clock.systemUTC());
  }

  @Test
  void aCommittedBatchLargerThanThePendingLimitReplaysWhole() throws IOException {
    try (OriginRepository repo = open()) {
      JournalCrashSafetyTest.publish(repo, Map.of("packages.json", "root1"), List.of());
      JournalCrashSafetyTest.publish(repo, bigBatch(), List.of());
    }
    Files.delete(data.resolve(Checkpoint.FILE_NAME)); // start-up must replay the whole journal

    try (OriginRepository repo = open()) {
      Map<String, String> expected = new TreeMap<>(bigBatch());
      expected.put("packages.json", "root1");
      assertEquals(FILES + 1, repo.head());
      assertEquals(expected, JournalCrashSafetyTest.tree(repo));
    }
  }

  @Test
  void aLargeBatchWithoutItsCommitLineIsDiscardedWhole() throws IOException {
    try (OriginRepository repo = open()) {
      JournalCrashSafetyTest.publish(repo, Map.of("packages.json", "root1"), List.of());
      JournalCrashSafetyTest.publish(repo, bigBatch(), List.of());
    }
    Files.delete(data.resolve(Checkpoint.FILE_NAME));
    Path segment = data.resolve("journal/00000000000000000001.log");
    byte[] bytes = Files.readAllBytes(segment);
    int lastLine = bytes.length - 2;
    while (bytes[lastLine] != '\n') {
      lastLine--;
    }
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(lastLine + 1); // the crash came before the commit line
    }

    try (OriginRepository repo = open()) {
      assertEquals(1, repo.head());
      assertEquals(Map.of("packages.json", "root1"), JournalCrashSafetyTest.tree(repo));
    }
  }
}
