package io.metamirror.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.metamirror.protocol.AtomicFile.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AtomicFileTest {
  private static final byte[] OLD = "old, complete\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] NEW = "new, complete, and longer\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  /** A write that fails at {@code step}, as a crash or an I/O error there would make it. */
  private static AtomicFile failingAt(Path target, Step step) {
    return AtomicFile.at(target)
        .withStepHook(
            reached -> {
              if (reached == step) {
                throw new IOException("failure injected at " + step);
              }
            });
  }

  /** What a listing of content shows: the names that do not start with a dot. */
  private List<String> visibleNames() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }

  /**
   * The target holds exactly {@code content}, whole; a listing of non-dot names shows only it, and
   * no temp file is left at all.
   */
  private void assertOnlyTargetHolding(Path target, byte[] content) throws IOException {
    assertEquals(new String(content, StandardCharsets.UTF_8), Files.readString(target));
    assertEquals(List.of(target.getFileName().toString()), visibleNames());
    assertFalse(Files.exists(AtomicFile.tempOf(target)), "the temp file is gone");
  }

  @Test
  void writeCreatesTheFileWithTheContentAndNoTempBeside() throws IOException {
    Path target = dir.resolve("cursor");
    AtomicFile.at(target).write(NEW);
    assertOnlyTargetHolding(target, NEW);
  }

  @Test
  void writeReplacesAnExistingFile() throws IOException {
    Path target = dir.resolve("cursor");
    Files.write(target, OLD);
    AtomicFile.at(target).write(out -> out.write(NEW));
    assertOnlyTargetHolding(target, NEW);
  }

  @ParameterizedTest
  @EnumSource(
      value = Step.class,
      names = {"WRITTEN", "SYNCED"})
  void failureBeforeTheMoveLeavesTheTargetAsItWasAndNoTemp(Step step) throws IOException {
    Path target = dir.resolve("cursor");
    assertThrows(IOException.class, () -> failingAt(target, step).write(NEW));
    assertFalse(Files.exists(target), "a missing target stays missing");
    assertEquals(List.of(), visibleNames());
    assertFalse(Files.exists(AtomicFile.tempOf(target)));

    Files.write(target, OLD);
    assertThrows(IOException.class, () -> failingAt(target, step).write(NEW));
    assertOnlyTargetHolding(target, OLD);
  }

  @Test
  void failureWhileWritingLeavesTheOldFileWhole() throws IOException {
    Path target = dir.resolve("cursor");
    Files.write(target, OLD);
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                AtomicFile.at(target)
                    .write(
                        out -> {
                          out.write(NEW, 0, 5);
                          throw new IOException("No space left on device");
                        }));
    assertEquals("No space left on device", e.getMessage());
    assertOnlyTargetHolding(target, OLD);
  }

  @Test
  void failureAfterTheMoveLeavesTheNewFileWhole() throws IOException {
    Path target = dir.resolve("cursor");
    Files.write(target, OLD);
    assertThrows(IOException.class, () -> failingAt(target, Step.MOVED).write(NEW));
    assertOnlyTargetHolding(target, NEW);
  }

  @Test
  void tempLeftByACrashIsReplacedByTheNextWrite() throws IOException {
    Path target = dir.resolve("cursor");
    Files.write(target, OLD);
    Files.write(AtomicFile.tempOf(target), "torn".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("cursor"), visibleNames(), "a crash's temp is not visible");
    AtomicFile.at(target).write(NEW);
    assertOnlyTargetHolding(target, NEW);
  }

  @Test
  void modeIsExactlyTheOneAskedForWhateverTheUmask() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
    Path key = dir.resolve("ca.key");
    AtomicFile.at(key).withMode(PosixFilePermissions.fromString("rw-------")).write(NEW);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    Path cert = dir.resolve("ca.crt");
    AtomicFile.at(cert).withMode(PosixFilePermissions.fromString("rw-r--r--")).write(NEW);
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(cert)));
  }

  @Test
  void writeWithoutFsyncIsStillAtomic() throws IOException {
    Path target = dir.resolve("status.json");
    Files.write(target, OLD);
    AtomicFile.at(target).withoutFsync().write(NEW);
    assertOnlyTargetHolding(target, NEW);
    assertThrows(IOException.class, () -> failingAt(target, Step.SYNCED).withoutFsync().write(OLD));
    assertOnlyTargetHolding(target, NEW);
  }

  @Test
  void pathWithoutAFileNameIsAProgrammerError() {
    assertThrows(IllegalArgumentException.class, () -> AtomicFile.at(Path.of("/")));
  }
}
