package io.metamirror.origin.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Epoch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a data directory that is not what this version wrote, or is in use, or is damaged: each
 * is refused with the exception and message an operator needs, and leaves the directory as it was.
 */
class DataDirectoryTest {
  private static final String SEGMENT = "00000000000000000001.log";

  @TempDir Path dataDir;

  private static OriginRepository open(Path dir) throws IOException {
    return OriginRepository.open(dir, OriginRepository.Options.defaults(), Clock.systemUTC());
  }

  private static void publish(OriginRepository repo, String path, String content)
      throws IOException {
    StagedBlob blob = repo.stage(content.getBytes(StandardCharsets.UTF_8));
    repo.publish(List.of(Change.put(ContentPath.parse(path), blob)));
  }

  /** A closed data directory with three files and a tree checkpoint at seq 3. */
  private Epoch populated() throws IOException {
    try (OriginRepository repo = open(dataDir)) {
      publish(repo, "packages.json", "{}");
      publish(repo, "p2/acme/widget.json", "{\"v\":1}");
      publish(repo, "p2/ünïcode/x.json", "{\"v\":2}");
      assertEquals(3, repo.head());
      return repo.epoch();
    } // close() writes the checkpoint
  }

  private static <T extends IOException> T assertOpenRefused(Class<T> type, Path dir) {
    return assertThrows(type, () -> open(dir).close());
  }

  private static void assertContains(String message, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment), "'" + fragment + "' not in: " + message);
    }
  }

  // ---------------------------------------------------------------- format versions

  @Test
  void markerOfFormat2IsRefusedNamingTheFormatAndTheDirectory() throws IOException {
    Epoch epoch = populated();
    Path marker = dataDir.resolve("metamirror-origin.json");
    byte[] written =
        ("{\"format\":2,\"epoch\":\"" + epoch + "\",\"created\":\"2030-01-01T00:00:00Z\"}")
            .getBytes(StandardCharsets.UTF_8);
    Files.write(marker, written);

    UnsupportedFormatException e = assertOpenRefused(UnsupportedFormatException.class, dataDir);
    assertContains(e.getMessage(), "format 2", dataDir.toString(), "reads format 1");
    assertArrayEquals(written, Files.readAllBytes(marker), "the marker is left alone");
  }

  @Test
  void refusedOpenReleasesTheLockSoTheSameErrorComesBack() throws IOException {
    populated();
    Files.writeString(
        dataDir.resolve("metamirror-origin.json"),
        "{\"format\":2,\"epoch\":\"9f86d081884c7d659a2feaa0c55ad015\"}");
    assertOpenRefused(UnsupportedFormatException.class, dataDir);
    assertOpenRefused(UnsupportedFormatException.class, dataDir); // not DataDirectoryLocked
  }

  @Test
  void markerWithoutAFormatIsRefusedAsUnsupported() throws IOException {
    populated();
    Files.writeString(
        dataDir.resolve("metamirror-origin.json"),
        "{\"epoch\":\"9f86d081884c7d659a2feaa0c55ad015\"}");
    UnsupportedFormatException e = assertOpenRefused(UnsupportedFormatException.class, dataDir);
    assertContains(e.getMessage(), dataDir.toString());
  }

  @Test
  void markerThatIsNotJsonIsCorrupt() throws IOException {
    populated();
    Path marker = dataDir.resolve("metamirror-origin.json");
    Files.writeString(marker, "{\"format\":1,\"epo");
    CorruptDataException e = assertOpenRefused(CorruptDataException.class, dataDir);
    assertContains(e.getMessage(), marker.toString(), "is not valid JSON");
  }

  @Test
  void markerWithABadEpochIsCorrupt() throws IOException {
    populated();
    Files.writeString(
        dataDir.resolve("metamirror-origin.json"), "{\"format\":1,\"epoch\":\"not-an-epoch\"}");
    CorruptDataException e = assertOpenRefused(CorruptDataException.class, dataDir);
    assertContains(e.getMessage(), "epoch must be 32 lowercase hex digits");
  }

  @Test
  void journalSegmentOfFormat2IsRefusedNamingTheSegmentAndTheFormat() throws IOException {
    Epoch epoch = populated();
    Path segment = dataDir.resolve("journal").resolve(SEGMENT);
    String text = Files.readString(segment, StandardCharsets.UTF_8);
    String header = "metamirror-journal 1 epoch=" + epoch + "\n";
    assertTrue(text.startsWith(header), text);
    byte[] rewritten =
        ("metamirror-journal 2 epoch=" + epoch + "\n" + text.substring(header.length()))
            .getBytes(StandardCharsets.UTF_8);
    Files.write(segment, rewritten);

    UnsupportedFormatException e = assertOpenRefused(UnsupportedFormatException.class, dataDir);
    assertContains(e.getMessage(), "journal segment", SEGMENT, "has format 2", "reads format 1");
    assertArrayEquals(rewritten, Files.readAllBytes(segment), "the segment is left alone");
  }

  @Test
  void journalSegmentOfAnotherRepositoryIsCorrupt() throws IOException {
    Epoch epoch = populated();
    Path segment = dataDir.resolve("journal").resolve(SEGMENT);
    String text = Files.readString(segment, StandardCharsets.UTF_8);
    Files.writeString(segment, text.replace("epoch=" + epoch, "epoch=" + Epoch.random()));
    CorruptDataException e = assertOpenRefused(CorruptDataException.class, dataDir);
    assertContains(e.getMessage(), SEGMENT, "belongs to another repository");
  }

  @Test
  void treeCheckpointOfFormat2IsRefused() throws IOException {
    populated();
    Path checkpoint = dataDir.resolve("tree.checkpoint");
    String text = Files.readString(checkpoint, StandardCharsets.UTF_8);
    assertTrue(text.startsWith("metamirror-tree 1 "), text);
    Files.writeString(checkpoint, "metamirror-tree 2 " + text.substring(18));
    UnsupportedFormatException e = assertOpenRefused(UnsupportedFormatException.class, dataDir);
    assertContains(e.getMessage(), "tree checkpoint", "has format 2");
  }

  // ---------------------------------------------------------------- not ours, in use

  @Test
  void nonEmptyDirectoryWithoutTheMarkerIsNotADataDirectory() throws IOException {
    Files.writeString(dataDir.resolve("notes.txt"), "my files");
    Files.createDirectories(dataDir.resolve("photos"));

    CorruptDataException e = assertOpenRefused(CorruptDataException.class, dataDir);
    assertContains(e.getMessage(), dataDir.toString(), "not a metamirror origin data directory");
    assertFalse(Files.exists(dataDir.resolve("metamirror-origin.json")), "no marker was written");
    assertFalse(Files.exists(dataDir.resolve("blobs")), "no blob store was created");
    assertFalse(Files.exists(dataDir.resolve("journal")), "no journal was created");
    assertEquals("my files", Files.readString(dataDir.resolve("notes.txt")));
  }

  @Test
  void emptyOrMissingDirectoryIsCreatedWithAFreshEpoch() throws IOException {
    Path missing = dataDir.resolve("new").resolve("data");
    try (OriginRepository repo = open(missing)) {
      assertEquals(0, repo.head());
      assertTrue(Files.isRegularFile(missing.resolve("metamirror-origin.json")));
    }
  }

  @Test
  void openingADirectoryThatIsAlreadyOpenIsRefusedAsLocked() throws IOException {
    try (OriginRepository first = open(dataDir)) {
      publish(first, "packages.json", "{}");
      DataDirectoryLockedException e =
          assertOpenRefused(DataDirectoryLockedException.class, dataDir);
      assertContains(
          e.getMessage(),
          dataDir.toString(),
          "is in use by another metamirror process",
          "pid " + ProcessHandle.current().pid());
      // The refused open must not have disturbed the holder.
      publish(first, "p2/acme/widget.json", "{}");
      assertEquals(2, first.head());
    }
    try (OriginRepository again = open(dataDir)) {
      assertEquals(2, again.head(), "once closed, the directory opens again");
    }
  }

  // ---------------------------------------------------------------- damaged checkpoint

  @Test
  void treeCheckpointCutInHalfIsCorrupt() throws IOException {
    populated();
    Path checkpoint = dataDir.resolve("tree.checkpoint");
    byte[] whole = Files.readAllBytes(checkpoint);
    // Cut at a line boundary inside the file list, so the text still decodes.
    int secondLineEnd = indexOf(whole, (byte) '\n', indexOf(whole, (byte) '\n', 0) + 1);
    byte[] cut = Arrays.copyOf(whole, secondLineEnd + 1);
    Files.write(checkpoint, cut);

    CorruptDataException e = assertOpenRefused(CorruptDataException.class, dataDir);
    assertContains(
        e.getMessage(), "tree checkpoint", "tree.checkpoint", "is corrupt", "ends after");
    assertArrayEquals(cut, Files.readAllBytes(checkpoint), "the checkpoint is left alone");
  }

  @Test
  void treeCheckpointWithoutItsEndLineIsCorrupt() throws IOException {
    CorruptDataException e =
        openRefusedWithTheCheckpoint(t -> t.substring(0, t.lastIndexOf("end ")));
    assertContains(e.getMessage(), "is corrupt", "checksum mismatch or missing end line");
  }

  @Test
  void treeCheckpointWithAFlippedDigitFailsItsChecksum() throws IOException {
    // The size of packages.json ("{}") is 2; make it 3.
    CorruptDataException e = openRefusedWithTheCheckpoint(t -> t.replace("\t2\t", "\t3\t"));
    assertContains(e.getMessage(), "is corrupt", "checksum mismatch");
  }

  /**
   * Rewrites the tree checkpoint of a {@link #populated} data directory with {@code edit}, which
   * must change it; opening is then refused, and the refusal is returned.
   */
  private CorruptDataException openRefusedWithTheCheckpoint(UnaryOperator<String> edit)
      throws IOException {
    populated();
    Path checkpoint = dataDir.resolve("tree.checkpoint");
    String text = Files.readString(checkpoint, StandardCharsets.UTF_8);
    String edited = edit.apply(text);
    assertFalse(edited.equals(text), text);
    Files.writeString(checkpoint, edited);
    return assertOpenRefused(CorruptDataException.class, dataDir);
  }

  @Test
  void emptyTreeCheckpointIsCorrupt() throws IOException {
    populated();
    Files.write(dataDir.resolve("tree.checkpoint"), new byte[0]);
    CorruptDataException e = assertOpenRefused(CorruptDataException.class, dataDir);
    assertContains(e.getMessage(), "is corrupt", "no header");
  }

  @Test
  void treeCheckpointCutInsideAMultiByteCharacterIsCorrupt() throws IOException {
    populated();
    Path checkpoint = dataDir.resolve("tree.checkpoint");
    byte[] whole = Files.readAllBytes(checkpoint);
    byte[] u = "ü".getBytes(StandardCharsets.UTF_8);
    int at = indexOf(whole, u[0], 0);
    assertTrue(at > 0, "the checkpoint holds p2/ünïcode/x.json");
    Files.write(checkpoint, Arrays.copyOf(whole, at + 1)); // half of "ü"

    CorruptDataException e = assertOpenRefused(CorruptDataException.class, dataDir);
    assertContains(e.getMessage(), "tree checkpoint", "is corrupt", "not valid UTF-8");
  }

  @Test
  void treeCheckpointWithBytesThatAreNotUtf8IsCorrupt() throws IOException {
    populated();
    Path checkpoint = dataDir.resolve("tree.checkpoint");
    byte[] bytes = Files.readAllBytes(checkpoint);
    int at = indexOf(bytes, (byte) 'w', 0); // the "w" of widget.json
    bytes[at] = (byte) 0xff;
    Files.write(checkpoint, bytes);

    CorruptDataException e = assertOpenRefused(CorruptDataException.class, dataDir);
    assertContains(e.getMessage(), "tree checkpoint", "is corrupt", "not valid UTF-8");
  }

  @Test
  void treeCheckpointOfAnotherRepositoryIsCorrupt() throws IOException {
    Epoch epoch = populated();
    Path checkpoint = dataDir.resolve("tree.checkpoint");
    String text = Files.readString(checkpoint, StandardCharsets.UTF_8);
    Files.writeString(checkpoint, text.replace("epoch=" + epoch, "epoch=" + Epoch.random()));
    CorruptDataException e = assertOpenRefused(CorruptDataException.class, dataDir);
    assertContains(e.getMessage(), "is corrupt", "unexpected header");
  }

  @Test
  void treeCheckpointAheadOfTheJournalIsCorrupt() throws IOException {
    populated();
    Files.delete(dataDir.resolve("journal").resolve(SEGMENT));
    CorruptDataException e = assertOpenRefused(CorruptDataException.class, dataDir);
    assertContains(
        e.getMessage(), "ends at seq 0 but the tree checkpoint is at seq 3", "from a backup");
  }

  @Test
  void intactDirectoryReopensWithEveryFile() throws IOException {
    Epoch epoch = populated();
    try (OriginRepository repo = open(dataDir)) {
      assertEquals(epoch, repo.epoch());
      assertEquals(3, repo.head());
      assertEquals(3, repo.fileCount());
      assertTrue(repo.file(ContentPath.parse("p2/ünïcode/x.json")).isPresent());
    }
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
