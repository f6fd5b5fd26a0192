package io.metamirror.origin.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.ContentPath;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastModifiedTest {
  @TempDir Path data;

  @Test
  void twoVersionsOfAFileWithinOneSecondGetDifferentLastModifiedSeconds() throws Exception {
    Clock frozen = Clock.fixed(Instant.parse("2026-11-22T06:00:00.250Z"), ZoneOffset.UTC);
    try (OriginRepository repo =
        OriginRepository.open(data, OriginRepository.Options.defaults(), frozen)) {
      JournalCrashSafetyTest.publish(
          repo, Map.of("packages.json", "v1", "other.json", "o"), List.of());
      JournalCrashSafetyTest.publish(
          repo, Map.of("packages.json", "v2", "new.json", "n"), List.of());
      long first = Instant.parse("2026-11-22T06:00:00.250Z").toEpochMilli();
      TreeFile second = repo.file(ContentPath.parse("packages.json")).orElseThrow();
      assertEquals(first / 1000 + 1, second.time() / 1000, "the newer version is a second later");
      assertEquals(
          first + 1,
          repo.file(ContentPath.parse("new.json")).orElseThrow().time(),
          "new files keep the clock's time, but a batch is always later than the one before");
      JournalCrashSafetyTest.publish(repo, Map.of("later.json", "l"), List.of());
      assertTrue(
          repo.file(ContentPath.parse("later.json")).orElseThrow().time() > second.time(),
          "every batch is later than every entry of the batches before");
    }
  }

  @Test
  void batchesStayStrictlyLaterAcrossARestartEvenAfterADeleteOnlyBatch() throws Exception {
    Clock frozen = Clock.fixed(Instant.parse("2026-11-22T06:00:00.250Z"), ZoneOffset.UTC);
    long deleted;
    try (OriginRepository repo =
        OriginRepository.open(data, OriginRepository.Options.defaults(), frozen)) {
      JournalCrashSafetyTest.publish(repo, Map.of("a.json", "a"), List.of());
      deleted =
          JournalCrashSafetyTest.publish(repo, Map.of(), List.of("a.json")).entries().get(0).time();
    }
    try (OriginRepository repo =
        OriginRepository.open(data, OriginRepository.Options.defaults(), frozen)) {
      JournalCrashSafetyTest.publish(repo, Map.of("b.json", "b"), List.of());
      assertTrue(
          repo.file(ContentPath.parse("b.json")).orElseThrow().time() > deleted,
          "the delete-only batch, which left nothing in the tree, still orders later batches");
    }
  }
}
