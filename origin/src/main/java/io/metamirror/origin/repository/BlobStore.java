package io.metamirror.origin.repository;

import io.metamirror.protocol.FileSystemSync;
import io.metamirror.protocol.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * File contents by sha256, immutable once named: {@code
 * blobs/2c/2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae}. One level of 256
 * fan-out directories, each made once per process when first needed: a second level would cost a
 * mkdir for most new blobs (measured: about a third of publishing time went to mkdir).
 *
 * <p>Contract: a file under its final name is complete and durable, because content reaches its
 * final name only through {@link #commit}, which flushes the temp file before the rename and the
 * directory after it. Temp files are dot-named ({@code blobs/.staging/.blob-<uuid>}) and survive a
 * crash as garbage that {@link #removeStaleTemps} deletes on start.
 *
 * <p>Thread-safe: staging writes private temp files; committing the same content twice is a
 * harmless no-op for the second writer.
 */
final class BlobStore {
  private final Path root;
  private final Path staging;
  private final FileSystemSync sync;

  BlobStore(Path root, FileSystemSync sync) throws IOException {
    this.root = root;
    this.staging = root.resolve(".staging");
    this.sync = sync;
    Files.createDirectories(staging);
  }

  /** Fan-out directories known to exist; at most 256. */
  private final java.util.Set<Path> madeDirectories =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  Path path(Sha256 sha256) {
    String hex = sha256.hex();
    return root.resolve(hex.substring(0, 2)).resolve(hex);
  }

  boolean contains(Sha256 sha256) {
    return Files.isRegularFile(path(sha256));
  }

  /** Writes content to an output stream; lets a streaming parser feed a blob without a copy. */
  interface ContentWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Streams content to a temp file, hashing as it goes. When {@code expected} is given and the
   * content differs, the temp file is deleted and {@link DigestMismatchException} thrown.
   */
  StagedBlob stage(ContentWriter content, Sha256 expected) throws IOException {
    Path temp = staging.resolve(".blob-" + UUID.randomUUID());
    MessageDigest digest = Sha256.newDigest();
    boolean ok = false;
    try {
      long size;
      try (CountingDigestStream out =
          new CountingDigestStream(Files.newOutputStream(temp), digest)) {
        content.writeTo(out);
        size = out.count;
      }
      Sha256 actual = Sha256.ofDigest(digest.digest());
      if (expected != null && !expected.equals(actual)) {
        throw new DigestMismatchException(expected, actual);
      }
      ok = true;
      // The caller's digest when it matched: one object fewer per file of a large batch.
      return new StagedBlob(expected != null ? expected : actual, size, temp);
    } finally {
      if (!ok) {
        Files.deleteIfExists(temp);
      }
    }
  }

  StagedBlob stage(InputStream in, Sha256 expected) throws IOException {
    return stage(in::transferTo, expected);
  }

  private static final class CountingDigestStream extends java.io.FilterOutputStream {
    private final MessageDigest digest;
    long count;

    CountingDigestStream(OutputStream out, MessageDigest digest) {
      super(new java.io.BufferedOutputStream(out, 8 * 1024));
      this.digest = digest;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      digest.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      digest.update(b, off, len);
      count += len;
    }
  }

  StagedBlob stage(byte[] content) throws IOException {
    return stage(new java.io.ByteArrayInputStream(content), null);
  }

  /**
   * Makes staged blobs durable under their final names: flush the temps, rename each one whose
   * content is not already stored, flush the directories.
   */
  void commit(Collection<StagedBlob> staged) throws IOException {
    List<StagedBlob> blobs = staged.stream().filter(b -> b.temp != null).toList();
    if (blobs.isEmpty()) {
      return;
    }
    List<Path> temps = blobs.stream().map(b -> b.temp).toList();
    sync.sync(root, temps, List.of());
    Set<Path> directories = new LinkedHashSet<>();
    for (StagedBlob blob : blobs) {
      Path target = path(blob.sha256);
      if (madeDirectories.add(target.getParent())) {
        Files.createDirectories(target.getParent());
      }
      // Content-addressed: replacing a blob with the same bytes is harmless, and cheaper than
      // asking first. A reader streaming the old file keeps its inode.
      Files.move(
          blob.temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      directories.add(target.getParent());
    }
    sync.sync(root, List.of(), directories);
    for (StagedBlob blob : blobs) {
      blob.temp = null;
    }
  }

  void discard(Collection<StagedBlob> blobs) {
    for (StagedBlob blob : blobs) {
      if (blob.temp == null) {
        continue; // stored early: unreferenced content, never served, harmless
      }
      try {
        Files.deleteIfExists(blob.temp);
      } catch (IOException ignored) {
        // Garbage in .staging is removed on the next start.
      }
    }
  }

  /** Deletes temp files a crash left behind; called once on start, before any staging. */
  int removeStaleTemps() throws IOException {
    int removed = 0;
    try (Stream<Path> temps = Files.list(staging)) {
      for (Path temp : (Iterable<Path>) temps::iterator) {
        Files.deleteIfExists(temp);
        removed++;
      }
    }
    return removed;
  }
}
