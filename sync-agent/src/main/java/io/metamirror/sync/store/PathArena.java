package io.metamirror.sync.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The UTF-8 bytes of {@link FileIndex}'s paths, appended to chunks of {@link #CHUNK} bytes (a path
 * never spans two, as a path has at most 1,024 bytes). A path is found by its ref: {@code chunk <<
 * 32 | offset << 11 | length}, never 0. Nothing is freed: the index copies its live paths into a
 * new arena when dead bytes outweigh them. Not thread-safe: guarded by the index's lock, and read
 * optimistically by its readers (an array swapped under a read throws, and the read is retried).
 */
final class PathArena {
  static final int CHUNK = 1 << 20;

  private byte[][] chunks = new byte[0][];
  private int fill = CHUNK; // bytes used in the last chunk

  static int length(long ref) {
    return (int) (ref & 0x7ff);
  }

  private static int offset(long ref) {
    return (int) (ref >>> 11) & (CHUNK - 1);
  }

  private byte[] chunk(long ref) {
    return chunks[(int) (ref >>> 32)];
  }

  /** Copies {@code key} in; returns its ref. */
  long append(byte[] key) {
    if (fill + key.length > CHUNK) {
      chunks = Arrays.copyOf(chunks, chunks.length + 1);
      chunks[chunks.length - 1] = new byte[CHUNK];
      fill = 0;
    }
    int chunk = chunks.length - 1;
    System.arraycopy(key, 0, chunks[chunk], fill, key.length);
    long ref = (long) chunk << 32 | (long) fill << 11 | key.length;
    fill += key.length;
    return ref;
  }

  /** Copies the path of {@code ref} from {@code from} into this arena; returns its new ref. */
  long copy(PathArena from, long ref) {
    int offset = offset(ref);
    return append(Arrays.copyOfRange(from.chunk(ref), offset, offset + length(ref)));
  }

  boolean holds(long ref, byte[] key) {
    int length = length(ref);
    int offset = offset(ref);
    return length == key.length
        && Arrays.equals(chunk(ref), offset, offset + length, key, 0, length);
  }

  String decode(long ref) {
    return new String(chunk(ref), offset(ref), length(ref), StandardCharsets.UTF_8);
  }

  /** Compares two paths by their bytes, unsigned. */
  int compare(long a, long b) {
    return Arrays.compareUnsigned(
        chunk(a), offset(a), offset(a) + length(a), chunk(b), offset(b), offset(b) + length(b));
  }

  /** The bytes of its chunks. */
  long footprintBytes() {
    return (long) chunks.length * CHUNK;
  }
}
