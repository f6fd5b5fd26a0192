package io.metamirror.protocol;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a directory, held through a lock file that names the holder's pid.
 *
 * <p>Why the in-JVM registry: OS file locks belong to the process, and closing <em>any</em>
 * descriptor of the lock file drops them — so a second attempt from the same JVM must fail before
 * it opens the file, or it would silently unlock the first holder.
 */
public final class DirectoryLock implements Closeable {
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock in {@code file}, or throws what {@code refusal} makes of a description of the
   * holder ("pid 1234") when this JVM or another process has it.
   */
  public static <E extends IOException> DirectoryLock acquire(
      Path file, java.util.function.Function<String, E> refusal) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    if (!HELD.add(key)) {
      throw refusal.apply("pid " + ProcessHandle.current().pid() + ", this process");
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        // Another process holds it; reading the file cannot disturb a lock we do not hold.
        String holder = new String(Files.readAllBytes(key), StandardCharsets.UTF_8).trim();
        channel.close();
        channel = null;
        throw refusal.apply(holder.isEmpty() ? "another process" : holder);
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)),
          0);
      return new DirectoryLock(key, channel, lock);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      HELD.remove(key);
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
      channel.close();
    } finally {
      HELD.remove(file);
    }
  }
}
