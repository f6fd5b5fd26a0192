package io.metamirror.origin.repository;

import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.FileSystemSync;
import io.metamirror.protocol.JournalEntry;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin's append-only, durable sequence of entries, in segment files named by their first seq:
 *
 * <pre>
 * journal/00000000000000000001.log
 *   metamirror-journal 1 epoch=9f86d081884c7d659a2feaa0c55ad015
 *   E 5f1c22a0 {"seq":1,"op":"put","path":"p2/acme/widget.json","sha256":"2c26…","size":812,"time":1763791335123}
 *   E 0b9e43d1 {"seq":2,"op":"put","path":"packages.json","sha256":"…","size":301,"time":1763791335123}
 *   C 3a8e7c10 2
 * </pre>
 *
 * An {@code E} line is one entry in its feed JSON form; a {@code C} line commits the batch ending
 * at its seq. The 8 hex digits are the CRC32C of the payload (the bytes after the second space,
 * without the line break). Only batches with their {@code C} line exist: a crash during an append
 * leaves a batch without one, or a torn line, and {@link #open} cuts the file back to the last
 * {@code C} line ({@link JournalSegment} reads, checks and appends the lines of one file). A
 * damaged line in the last batch (the tail record) discards that batch too; damage with another
 * whole batch after it is not a tail but damage to committed history, and open refuses to continue
 * rather than guess.
 *
 * <p>Concurrency: {@link #append} and {@link #dropSegmentsBefore} are called under the repository's
 * publish lock. Readers call {@link #read} without a lock; they only look at entries up to {@link
 * #head}, whose volatile write follows the index writes it covers.
 */
final class Journal implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);

  private static final int WRITE_CHUNK = 1 << 20;

  private final Path dir;
  private final Epoch epoch;
  private final long segmentEntries;

  /** Oldest first; replaced, never mutated, so readers may iterate a stale copy. */
  private volatile List<JournalSegment> segments;

  private volatile long head;
  private boolean broken;

  private Journal(
      Path dir, Epoch epoch, long segmentEntries, List<JournalSegment> segments, long head) {
    this.dir = dir;
    this.epoch = epoch;
    this.segmentEntries = segmentEntries;
    this.segments = List.copyOf(segments);
    this.head = head;
  }

  /**
   * Opens the journal in {@code dir}, creating it when empty, cutting a torn tail, and handing
   * every committed entry with seq &gt; {@code replayAfter} to {@code replay} in order.
   */
  static Journal open(
      Path dir, Epoch epoch, long segmentEntries, long replayAfter, Consumer<JournalEntry> replay)
      throws IOException {
    if (segmentEntries < 1) {
      throw new IllegalArgumentException("segmentEntries < 1: " + segmentEntries);
    }
    Files.createDirectories(dir);
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(p -> p.getFileName().toString().matches("[0-9]{20}\\.log")).sorted().toList();
    }
    List<JournalSegment> segments = new ArrayList<>();
    try {
      return open(dir, epoch, segmentEntries, replayAfter, replay, files, segments);
    } catch (IOException | RuntimeException e) {
      for (JournalSegment segment : segments) {
        segment.channel.close();
      }
      throw e;
    }
  }

  private static Journal open(
      Path dir,
      Epoch epoch,
      long segmentEntries,
      long replayAfter,
      Consumer<JournalEntry> replay,
      List<Path> files,
      List<JournalSegment> segments)
      throws IOException {
    long head = 0;
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      long first = Long.parseLong(file.getFileName().toString().substring(0, 20));
      if (!segments.isEmpty() && first != head + 1) {
        throw new CorruptDataException(
            "journal segment "
                + file
                + " starts at seq "
                + first
                + " but seq "
                + (head + 1)
                + " was expected; the journal has a gap");
      }
      boolean last = i == files.size() - 1;
      JournalSegment segment =
          JournalSegment.recover(file, first, epoch, last, replayAfter, replay);
      if (segment == null) {
        continue; // a last segment whose header never became durable: it held nothing
      }
      segments.add(segment);
      head = segment.lastSeq();
    }
    if (segments.isEmpty()) {
      segments.add(JournalSegment.create(dir, 1, epoch));
    }
    return new Journal(dir, epoch, segmentEntries, segments, head);
  }

  long head() {
    return head;
  }

  /** The oldest seq still retained; {@code head + 1} when nothing is. */
  long firstSeq() {
    return segments.get(0).firstSeq;
  }

  /**
   * Appends one batch durably: every entry line, then the commit line, then fdatasync. On failure
   * the file is cut back to where it was, so nothing of the batch remains; if even that fails the
   * journal refuses further appends until the origin restarts and recovers it.
   */
  void append(List<JournalEntry> entries) throws IOException {
    if (broken) {
      throw new IllegalStateException(
          "the journal is in an unknown state after a failed write; restart the origin to recover");
    }
    if (entries.isEmpty()) {
      return;
    }
    if (entries.get(0).seq() != head + 1) {
      throw new IllegalArgumentException(
          "batch starts at seq " + entries.get(0).seq() + ", expected " + (head + 1));
    }
    JournalSegment active = segments.get(segments.size() - 1);
    if (active.count() >= segmentEntries) {
      active = JournalSegment.create(dir, head + 1, epoch);
      List<JournalSegment> next = new ArrayList<>(segments);
      next.add(active);
      segments = List.copyOf(next);
    }
    // Written in pieces of about 1 MiB: a batch of a million entries is 200 MB of lines.
    ByteArrayOutputStream pending = new ByteArrayOutputStream(WRITE_CHUNK + 64 * 1024);
    long position = active.size;
    long written = position;
    long[] lineOffsets = new long[entries.size()];
    int[] payloadLengths = new int[entries.size()];
    try {
      for (int i = 0; i < entries.size(); i++) {
        byte[] json = entries.get(i).toJson();
        lineOffsets[i] = written + pending.size();
        payloadLengths[i] = json.length;
        JournalSegment.writeLine(pending, 'E', json);
        if (pending.size() >= WRITE_CHUNK) {
          written += writeAt(active, pending, written);
        }
      }
      long last = entries.get(entries.size() - 1).seq();
      JournalSegment.writeLine(
          pending, 'C', Long.toString(last).getBytes(StandardCharsets.US_ASCII));
      written += writeAt(active, pending, written);
      active.channel.force(false);
    } catch (IOException | RuntimeException e) {
      try {
        active.channel.truncate(position);
        active.channel.force(true);
      } catch (IOException truncateFailed) {
        broken = true;
        e.addSuppressed(truncateFailed);
      }
      throw e;
    }
    active.size = written;
    active.index(lineOffsets, payloadLengths);
    head = entries.get(entries.size() - 1).seq();
  }

  /** Writes {@code pending} at {@code position}, empties it, and returns how many bytes it had. */
  private static int writeAt(JournalSegment segment, ByteArrayOutputStream pending, long position)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(pending.toByteArray());
    while (buffer.hasRemaining()) {
      segment.channel.write(buffer, position + buffer.position());
    }
    pending.reset();
    return buffer.limit();
  }

  /**
   * The JSON of up to {@code limit} entries with seq &gt; {@code since}, in order.
   *
   * @throws ResyncRequiredException when those entries are no longer retained
   */
  List<byte[]> read(long since, int limit, long upTo) throws IOException {
    List<byte[]> out = new ArrayList<>(Math.min(limit, 1024));
    long next = since + 1;
    List<JournalSegment> current = segments;
    if (next < current.get(0).firstSeq) {
      throw new ResyncRequiredException(since, current.get(0).firstSeq);
    }
    try {
      for (JournalSegment segment : current) {
        if (out.size() >= limit || next > upTo) {
          break;
        }
        long segmentLast = segment.firstSeq + segment.count() - 1;
        if (next > segmentLast) {
          continue;
        }
        long end = Math.min(Math.min(segmentLast, upTo), next + (limit - out.size()) - 1);
        segment.readInto(next, end, out);
        next = end + 1;
      }
    } catch (ClosedChannelException e) {
      // Retention deleted the segment while we read it.
      throw new ResyncRequiredException(since, segments.get(0).firstSeq);
    }
    return out;
  }

  /**
   * Deletes whole segments whose every entry has seq &lt; {@code keepFrom}; never the active one.
   * The caller has made sure a checkpoint covers them.
   */
  void dropSegmentsBefore(long keepFrom) throws IOException {
    List<JournalSegment> current = segments;
    int drop = 0;
    while (drop < current.size() - 1 && current.get(drop).lastSeq() < keepFrom) {
      drop++;
    }
    if (drop == 0) {
      return;
    }
    segments = List.copyOf(current.subList(drop, current.size()));
    for (JournalSegment segment : current.subList(0, drop)) {
      segment.channel.close();
      Files.deleteIfExists(segment.file);
      log.info(
          "event=journal_segment_dropped first={} last={}", segment.firstSeq, segment.lastSeq());
    }
    FileSystemSync.fsyncDirectory(dir);
  }

  @Override
  public void close() throws IOException {
    for (JournalSegment segment : segments) {
      segment.channel.close();
    }
  }
}
