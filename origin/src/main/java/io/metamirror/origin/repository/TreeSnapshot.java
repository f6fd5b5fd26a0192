package io.metamirror.origin.repository;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The whole tree as it was at {@code seq}, files sorted by path ({@link ContentPath}'s order) once
 * {@link OriginRepository#snapshot} hands it out. Held as columns like {@link TreeIndex} (about 70
 * bytes a file, the paths shared with the index's arena); {@link #files} makes each {@link
 * TreeFile} as it is reached, so a caller that streams them keeps no object per file.
 */
public final class TreeSnapshot {
  private final Epoch epoch;
  private final long seq;
  private final byte[][] arena;
  private final long[] pathRefs;
  private final byte[] shas;
  private final long[] sizes;
  private final long[] times;
  private final long[] seqs;
  private final int[] order;

  /** Takes ownership of the columns: one entry per file, in no order until {@link #sortByPath}. */
  TreeSnapshot(
      Epoch epoch,
      long seq,
      byte[][] arena,
      long[] pathRefs,
      byte[] shas,
      long[] sizes,
      long[] times,
      long[] seqs) {
    this.epoch = epoch;
    this.seq = seq;
    this.arena = arena;
    this.pathRefs = pathRefs;
    this.shas = shas;
    this.sizes = sizes;
    this.times = times;
    this.seqs = seqs;
    this.order = new int[pathRefs.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
  }

  public Epoch epoch() {
    return epoch;
  }

  public long seq() {
    return seq;
  }

  public int size() {
    return order.length;
  }

  /** The files in path order, each made when reached. */
  public Iterable<TreeFile> files() {
    return () ->
        new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < order.length;
          }

          @Override
          public TreeFile next() {
            if (next >= order.length) {
              throw new NoSuchElementException();
            }
            return file(order[next++]);
          }
        };
  }

  private TreeFile file(int i) {
    long ref = pathRefs[i];
    long offset = TreeIndex.offsetOf(ref);
    byte[] chunk = arena[(int) (offset / TreeIndex.CHUNK_BYTES)];
    String path =
        new String(
            chunk,
            (int) (offset % TreeIndex.CHUNK_BYTES),
            TreeIndex.lengthOf(ref),
            StandardCharsets.UTF_8);
    return new TreeFile(
        ContentPath.parse(path), Sha256.ofDigest(shas, i * 32), sizes[i], times[i], seqs[i]);
  }

  /** Puts the files in path order; called once, before the snapshot is handed out. */
  TreeSnapshot sortByPath() {
    mergeSort(order, new int[order.length], 0, order.length);
    return this;
  }

  private void mergeSort(int[] a, int[] scratch, int from, int to) {
    if (to - from < 2) {
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(a, scratch, from, mid);
    mergeSort(a, scratch, mid, to);
    if (comparePaths(a[mid - 1], a[mid]) <= 0) {
      return;
    }
    System.arraycopy(a, from, scratch, from, to - from);
    int i = from;
    int j = mid;
    for (int k = from; k < to; k++) {
      if (j >= to || (i < mid && comparePaths(scratch[i], scratch[j]) <= 0)) {
        a[k] = scratch[i++];
      } else {
        a[k] = scratch[j++];
      }
    }
  }

  private int comparePaths(int x, int y) {
    long refX = pathRefs[x];
    long refY = pathRefs[y];
    long offX = TreeIndex.offsetOf(refX);
    long offY = TreeIndex.offsetOf(refY);
    return compareUtf8AsUtf16(
        arena[(int) (offX / TreeIndex.CHUNK_BYTES)],
        (int) (offX % TreeIndex.CHUNK_BYTES),
        TreeIndex.lengthOf(refX),
        arena[(int) (offY / TreeIndex.CHUNK_BYTES)],
        (int) (offY % TreeIndex.CHUNK_BYTES),
        TreeIndex.lengthOf(refY));
  }

  /**
   * Compares two UTF-8 strings in {@link String#compareTo}'s order (UTF-16 code units), which is
   * their bytes' order except that a character above U+FFFF (a surrogate pair in UTF-16, lead byte
   * F0–F4) sorts before U+E000–U+FFFF (lead bytes EE, EF).
   */
  static int compareUtf8AsUtf16(
      byte[] a, int aFrom, int aLength, byte[] b, int bFrom, int bLength) {
    int mismatch = java.util.Arrays.mismatch(a, aFrom, aFrom + aLength, b, bFrom, bFrom + bLength);
    if (mismatch < 0) {
      return 0;
    }
    if (mismatch >= aLength || mismatch >= bLength) {
      return aLength - bLength;
    }
    int x = a[aFrom + mismatch] & 0xff;
    int y = b[bFrom + mismatch] & 0xff;
    // Equal bytes before the mismatch end on the same character boundary in both; when both bytes
    // lead a character, rank supplementary leads between ED and EE as UTF-16 does.
    if (x >= 0xc0 && y >= 0xc0) {
      return Integer.compare(utf16Rank(x), utf16Rank(y));
    }
    return Integer.compare(x, y);
  }

  private static int utf16Rank(int lead) {
    return lead >= 0xf0 ? 0xed * 16 + 8 + (lead - 0xf0) : lead * 16;
  }
}
