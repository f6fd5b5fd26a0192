package io.metamirror.protocol;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes written files and renames durable.
 *
 * <p>Why not one fsync per file: on the reference VM one fsync costs ~0.4 ms, which caps a batch of
 * small blobs at ~2,500 files/s, and parallel fsyncs do not help (measured). Linux's {@code
 * syncfs(2)} flushes a whole file system in ~10 ms whatever the number of files, but Java 17 has no
 * binding for it, so a large batch runs coreutils' {@code sync --file-system} once instead (~4 ms
 * to spawn). If that is missing or fails, this falls back to fsync per file and per directory, for
 * good.
 *
 * <p>It lives in {@code protocol} because the origin's blob store and every mirror's store make
 * writes durable the same way, and modules share only this one.
 */
public final class FileSystemSync {
  private static final Logger log = LoggerFactory.getLogger(FileSystemSync.class);

  /** Below this many files, per-file fsync is cheaper than a whole-file-system flush. */
  public static final int SYNCFS_THRESHOLD = 16;

  private volatile boolean syncfsWorks;

  public FileSystemSync(boolean trySyncfs) {
    this.syncfsWorks = trySyncfs;
  }

  /** Flushes the data of {@code files} and the entries of {@code directories}. */
  public void sync(Path anywhereOnFileSystem, Collection<Path> files, Collection<Path> directories)
      throws IOException {
    if (files.size() + directories.size() >= SYNCFS_THRESHOLD
        && syncfsWorks
        && syncFileSystem(anywhereOnFileSystem)) {
      return;
    }
    for (Path file : files) {
      fsync(file);
    }
    for (Path dir : directories) {
      fsyncDirectory(dir);
    }
  }

  /**
   * One whole-file-system flush, as a head start for a later {@link #sync}: it writes back what is
   * dirty now, so that the flush that counts finds less. Returns false, having done nothing, where
   * that flush is not available; never falls back to fsync per file.
   */
  public boolean flushAhead(Path anywhereOnFileSystem) {
    return syncfsWorks && syncFileSystem(anywhereOnFileSystem);
  }

  private boolean syncFileSystem(Path path) {
    try {
      Process p =
          new ProcessBuilder("sync", "--file-system", path.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return true;
      }
      p.destroyForcibly();
      log.warn("event=syncfs_failed exit={} fallback=fsync_per_file", p.exitValue());
    } catch (IOException e) {
      log.warn("event=syncfs_unavailable error=\"{}\" fallback=fsync_per_file", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (IllegalThreadStateException e) {
      log.warn("event=syncfs_timeout fallback=fsync_per_file");
    }
    syncfsWorks = false;
    return false;
  }

  public static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
