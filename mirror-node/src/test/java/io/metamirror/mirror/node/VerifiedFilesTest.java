package io.metamirror.mirror.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifiedFilesTest {
  private static final ContentPath PATH = ContentPath.parse("p2/acme/widget.json");
  private static final Sha256 VERSION = Sha256.of("v1".getBytes(StandardCharsets.UTF_8));
  private static final VerifiedFiles.Stamp AS_CHECKED =
      new VerifiedFiles.Stamp(VERSION, 10, 1_700_000_000_000L, "inode 1");

  @Test
  void aCheckedFileIsKnownOnlyWhileSizeMtimeInodeAndVersionStayTheSame() {
    VerifiedFiles files = new VerifiedFiles((path, sha256) -> {});
    files.verified(PATH, false, AS_CHECKED);

    assertTrue(files.known(PATH, false, AS_CHECKED));
    assertNull(files.known(PATH, true, AS_CHECKED), "the twin is checked on its own");
    assertNull(
        files.known(
            PATH, false, new VerifiedFiles.Stamp(VERSION, 11, 1_700_000_000_000L, "inode 1")));
    assertNull(
        files.known(
            PATH, false, new VerifiedFiles.Stamp(VERSION, 10, 1_700_000_000_001L, "inode 1")));
    assertNull(
        files.known(
            PATH, false, new VerifiedFiles.Stamp(VERSION, 10, 1_700_000_000_000L, "inode 2")));
    Sha256 next = Sha256.of("v2".getBytes(StandardCharsets.UTF_8));
    assertNull(
        files.known(PATH, false, new VerifiedFiles.Stamp(next, 10, 1_700_000_000_000L, "inode 1")));
  }

  @Test
  void aDamagedFileIsCountedOnceAndEveryRequestForItAsksForARepair() {
    List<ContentPath> repairs = new ArrayList<>();
    VerifiedFiles files = new VerifiedFiles((path, sha256) -> repairs.add(path));

    files.mismatch(PATH, false, AS_CHECKED, "other");

    assertFalse(files.known(PATH, false, AS_CHECKED));
    assertFalse(files.known(PATH, false, AS_CHECKED));
    assertEquals(1, files.failures());
    assertEquals(List.of(PATH, PATH, PATH), repairs, "a failed repair is asked for again");
  }

  @Test
  void aDamagedFileFoundByARequestAndTheScrubAtOnceIsCountedAndRepairedOnce() {
    List<ContentPath> repairs = new ArrayList<>();
    VerifiedFiles files = new VerifiedFiles((path, sha256) -> repairs.add(path));

    assertTrue(files.mismatch(PATH, false, AS_CHECKED, "other"));
    assertFalse(files.mismatch(PATH, false, AS_CHECKED, "other"), "the second finder");

    assertEquals(1, files.failures());
    assertEquals(List.of(PATH), repairs);
  }

  @Test
  void aFileDamagedAgainAfterItsRepairIsCountedAgain() {
    VerifiedFiles files = new VerifiedFiles((path, sha256) -> {});
    files.mismatch(PATH, false, AS_CHECKED, "other");

    assertTrue(
        files.mismatch(
            PATH, false, new VerifiedFiles.Stamp(VERSION, 10, 1_700_000_000_000L, "inode 2"), "x"));
    assertEquals(2, files.failures());
  }

  private static ContentPath path(int i) {
    return ContentPath.parse("p2/vendor" + (i % 500) + "/package-" + i + ".json");
  }

  private static VerifiedFiles.Stamp stamp(int i) {
    return new VerifiedFiles.Stamp(VERSION, 1000 + i, 1_700_000_000_000L + i, "inode " + i);
  }

  @Test
  void everyOutcomeSurvivesTheTableGrowing() {
    VerifiedFiles files = new VerifiedFiles((path, sha256) -> {});
    int n = 50_000; // the table starts at 1,024 slots
    for (int i = 0; i < n; i++) {
      if (i % 10 == 0) {
        files.mismatch(path(i), i % 20 == 0, stamp(i), "other");
      } else {
        files.verified(path(i), i % 2 == 0, stamp(i));
      }
    }

    for (int i = 0; i < n; i++) {
      boolean twin = i % 10 == 0 ? i % 20 == 0 : i % 2 == 0;
      assertEquals(i % 10 != 0, files.known(path(i), twin, stamp(i)), "file " + i);
      assertNull(files.known(path(i), !twin, stamp(i)), "the other file of " + i);
      assertNull(files.known(path(i), twin, stamp(i + 1)), "file " + i + " changed");
    }
    assertEquals(n, files.size());
    assertEquals(n / 10, files.failures());
  }

  @Test
  void aStampDiffersFromAnotherPathsEvenWhenEverythingElseIsEqual() {
    VerifiedFiles files = new VerifiedFiles((path, sha256) -> {});
    files.verified(PATH, false, AS_CHECKED);

    assertNull(files.known(ContentPath.parse("p2/acme/widget.jso"), false, AS_CHECKED));
    assertNull(files.known(ContentPath.parse("p2/acme/widget.json.gz"), false, AS_CHECKED));
  }

  @Test
  void threadsFindingTheSameDamageWhileTheTableGrowsCountItOnce() throws Exception {
    List<ContentPath> repairs = java.util.Collections.synchronizedList(new ArrayList<>());
    VerifiedFiles files = new VerifiedFiles((path, sha256) -> repairs.add(path));
    int n = 20_000;
    List<Thread> threads = new ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger counted =
        new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < n; i++) {
                  if (files.mismatch(path(i), false, stamp(i), "other")) {
                    counted.incrementAndGet();
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertEquals(n, counted.get());
    assertEquals(n, files.failures());
    assertEquals(n, repairs.size());
  }

  @Test
  void aMillionCheckedFilesTakeAbout32BytesEach() {
    VerifiedFiles files = new VerifiedFiles((path, sha256) -> {});
    int n = 1_000_000;
    for (int i = 0; i < n; i++) {
      files.verified(path(i), false, stamp(i));
    }

    // 16 B a slot, the table between 3/8 and 3/4 full; a ConcurrentHashMap took ~200 B an entry.
    assertTrue(files.footprintBytes() / n <= 48, "bytes per entry: " + files.footprintBytes() / n);
    assertTrue(files.known(path(777_777), false, stamp(777_777)));
  }
}
