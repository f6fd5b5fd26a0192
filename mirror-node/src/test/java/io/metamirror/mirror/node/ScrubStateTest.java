package io.metamirror.mirror.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.metamirror.protocol.ContentPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scrub's state file: what a restart resumes from. */
class ScrubStateTest {
  @TempDir Path dir;

  @Test
  void aPassUnderWayIsReadBackAsWritten() throws IOException {
    Path file = dir.resolve("scrub");
    ScrubState state =
        new ScrubState(
            1_765_000_000_000L, ContentPath.parse("p2/acme/widget.json"), 1_764_913_600_000L);

    state.write(file);

    assertEquals(state, ScrubState.read(file));
    assertEquals(
        "{\"format\":1,\"passStartedMs\":1765000000000,\"after\":\"p2/acme/widget.json\","
            + "\"completedMs\":1764913600000}",
        Files.readString(file));
  }

  @Test
  void aNewPassThatNeverCompletedOneHasNeitherPathNorCompletion() throws IOException {
    Path file = dir.resolve("scrub");
    new ScrubState(5, null, 0).write(file);

    assertEquals(new ScrubState(5, null, 0), ScrubState.read(file));
    assertEquals("{\"format\":1,\"passStartedMs\":5}", Files.readString(file));
  }

  @Test
  void noFileReadsAsNone() throws IOException {
    assertNull(ScrubState.read(dir.resolve("scrub")));
  }

  @Test
  void anUnknownFormatIsRefusedWithTheReason() throws IOException {
    Path file = dir.resolve("scrub");
    Files.writeString(file, "{\"format\":2,\"passStartedMs\":5}");

    IOException e = assertThrows(IOException.class, () -> ScrubState.read(file));
    assertEquals("format 2; this metamirror reads format 1", e.getMessage());
  }

  @Test
  void aTornFileIsRefused() throws IOException {
    Path file = dir.resolve("scrub");
    Files.writeString(file, "{\"format\":1,\"passSt");

    assertThrows(IOException.class, () -> ScrubState.read(file));
  }

  @Test
  void aPathThatIsNotContentIsRefused() throws IOException {
    Path file = dir.resolve("scrub");
    Files.writeString(file, "{\"format\":1,\"passStartedMs\":5,\"after\":\"../etc/passwd\"}");

    assertThrows(IOException.class, () -> ScrubState.read(file));
  }
}
