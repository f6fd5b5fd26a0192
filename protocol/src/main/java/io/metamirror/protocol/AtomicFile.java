package io.metamirror.protocol;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces one small file whole: a reader, or the next start after a crash or power loss, finds the
 * old content or the new, complete, never a mix. The one way metamirror writes its state files
 * (cursor, checkpoint, marker, keys); streams of many files have their own batched writers.
 *
 * <pre>
 * state/.cursor.tmp   1. written, then 2. flushed (fsync)
 * state/cursor        3. renamed over from it atomically, then 4. the directory flushed
 * </pre>
 *
 * <ul>
 *   <li>The temp file is {@code .<name>.tmp} in the target's directory: the same file system, so
 *       the rename is atomic, and dot-named, so no listing of content shows it.
 *   <li>A failure before the rename removes the temp file and leaves the target untouched (absent,
 *       if it was). A crash leaves at most the temp file, which the next write replaces.
 *   <li>One writer per target at a time: callers hold the lock that guards the file. A second
 *       writer that finds the temp file created under it fails rather than mixing two contents.
 * </ul>
 */
public final class AtomicFile {
  /** What is written: the content, into a stream the caller must not close. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** The points of a write where {@link StepHook} is called, in order. */
  enum Step {
    /** The temp file holds the content, closed, not yet flushed. */
    WRITTEN,
    /** The temp file is flushed; the rename is next. */
    SYNCED,
    /** The target is the new content; the directory is not flushed yet. */
    MOVED
  }

  /** Seam for tests: throwing here fails the write at that step, as an I/O error would. */
  @FunctionalInterface
  interface StepHook {
    StepHook NONE = step -> {};

    void reached(Step step) throws IOException;
  }

  private final Path target;
  private final Set<PosixFilePermission> mode;
  private final boolean durable;
  private final StepHook hook;

  private AtomicFile(Path target, Set<PosixFilePermission> mode, boolean durable, StepHook hook) {
    this.target = target;
    this.mode = mode;
    this.durable = durable;
    this.hook = hook;
  }

  /** A durable atomic write of {@code target}, its mode left to the umask. */
  public static AtomicFile at(Path target) {
    if (target.getFileName() == null) {
      throw new IllegalArgumentException("not a file path: " + target);
    }
    return new AtomicFile(target.toAbsolutePath(), null, true, StepHook.NONE);
  }

  /**
   * The file gets exactly {@code mode} (0600 for a private key) from its creation, whatever the
   * umask, where the file system has POSIX permissions.
   */
  public AtomicFile withMode(Set<PosixFilePermission> mode) {
    return new AtomicFile(target, Set.copyOf(mode), durable, hook);
  }

  /**
   * Atomic but not durable: no fsync, so a crash may bring back the old content. For a file
   * rewritten often that only another process reads while this one runs (a status).
   */
  public AtomicFile withoutFsync() {
    return new AtomicFile(target, mode, false, hook);
  }

  AtomicFile withStepHook(StepHook hook) {
    return new AtomicFile(target, mode, durable, hook);
  }

  /** The temp file a write of {@code target} goes through, {@code .<name>.tmp} beside it. */
  public static Path tempOf(Path target) {
    return target.resolveSibling("." + target.getFileName() + ".tmp");
  }

  public void write(byte[] content) throws IOException {
    write(out -> out.write(content));
  }

  public void write(Content content) throws IOException {
    Path temp = tempOf(target);
    Files.deleteIfExists(temp); // left by a crash
    FileChannel channel = createTemp(temp);
    try {
      try (channel;
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
        content.writeTo(out);
      }
      hook.reached(Step.WRITTEN);
      if (durable) {
        FileSystemSync.fsync(temp);
      }
      hook.reached(Step.SYNCED);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    hook.reached(Step.MOVED);
    if (durable) {
      FileSystemSync.fsyncDirectory(target.getParent());
    }
  }

  private FileChannel createTemp(Path temp) throws IOException {
    boolean posix =
        mode != null && temp.getFileSystem().supportedFileAttributeViews().contains("posix");
    FileAttribute<?>[] attributes =
        posix
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
            : new FileAttribute<?>[0];
    FileChannel channel;
    try {
      channel =
          FileChannel.open(
              temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("another writer is writing " + target + " (" + temp + " exists)", e);
    }
    if (posix) {
      try {
        Files.setPosixFilePermissions(temp, mode); // the umask may have narrowed them
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }
    return channel;
  }
}
