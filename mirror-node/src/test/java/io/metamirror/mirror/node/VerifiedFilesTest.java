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
}
