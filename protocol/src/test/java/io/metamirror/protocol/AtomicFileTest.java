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

  @Test
  void writeCreatesTheFileWithTheContentAndNoTempBeside() throws IOException {
    Path target = dir.resolve("cursor");
    AtomicFile.at(target).write(NEW);
    assertEquals(new String(NEW, StandardCharsets.UTF_8), Files.readString(target));
    assertFalse(Files.exists(AtomicFile.tempOf(target)));
  }

  @Test
  void writeReplacesAnExistingFile() throws IOException {
    Path target = dir.resolve("cursor");
    Files.write(target, OLD);
    AtomicFile.at(target).write(out -> out.write(NEW));
    assertEquals(new String(NEW, StandardCharsets.UTF_8), Files.readString(target));
  }

  @ParameterizedTest
  @EnumSource(
      value = Step.class,
      names = {"WRITTEN", "SYNCED"})
  void failureBeforeTheMoveLeavesTheOldFileWholeAndNoTemp(Step step) throws IOException {
    Path target = dir.resolve("cursor");
    Files.write(target, OLD);
    assertThrows(IOException.class, () -> failingAt(target, step).write(NEW));
    assertEquals(new String(OLD, StandardCharsets.UTF_8), Files.readString(target));
    assertEquals(List.of("cursor"), visibleNames());
    assertFalse(Files.exists(AtomicFile.tempOf(target)), "the temp is removed too");
  }

  @ParameterizedTest
  @EnumSource(
      value = Step.class,
      names = {"WRITTEN", "SYNCED"})
  void failureBeforeTheMoveLeavesAMissingFileMissing(Step step) throws IOException {
    Path target = dir.resolve("cursor");
    assertThrows(IOException.class, () -> failingAt(target, step).write(NEW));
    assertFalse(Files.exists(target));
    assertEquals(List.of(), visibleNames());
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
    assertEquals(new String(OLD, StandardCharsets.UTF_8), Files.readString(target));
    assertEquals(List.of("cursor"), visibleNames());
    assertFalse(Files.exists(AtomicFile.tempOf(target)));
  }

  @Test
  void failureAfterTheMoveLeavesTheNewFileWhole() throws IOException {
    Path target = dir.resolve("cursor");
    Files.write(target, OLD);
    assertThrows(IOException.class, () -> failingAt(target, Step.MOVED).write(NEW));
    assertEquals(new String(NEW, StandardCharsets.UTF_8), Files.readString(target));
    assertEquals(List.of("cursor"), visibleNames());
    assertFalse(Files.exists(AtomicFile.tempOf(target)));
  }

  @Test
  void tempLeftByACrashIsReplacedByTheNextWrite() throws IOException {
    Path target = dir.resolve("cursor");
    Files.write(target, OLD);
    Files.write(AtomicFile.tempOf(target), "torn".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("cursor"), visibleNames(), "a crash's temp is not visible");
    AtomicFile.at(target).write(NEW);
    assertEquals(new String(NEW, StandardCharsets.UTF_8), Files.readString(target));
    assertFalse(Files.exists(AtomicFile.tempOf(target)));
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
    assertEquals(new String(NEW, StandardCharsets.UTF_8), Files.readString(target));
    assertThrows(IOException.class, () -> failingAt(target, Step.SYNCED).withoutFsync().write(OLD));
    assertEquals(new String(NEW, StandardCharsets.UTF_8), Files.readString(target));
  }

  @Test
  void pathWithoutAFileNameIsAProgrammerError() {
    assertThrows(IllegalArgumentException.class, () -> AtomicFile.at(Path.of("/")));
  }
}
