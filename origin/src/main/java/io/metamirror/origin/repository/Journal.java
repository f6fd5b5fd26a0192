package io.metamirror.origin.repository;

import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.FileSystemSync;
import io.metamirror.protocol.JournalEntry;
import io.metamirror.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
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
 * {@code C} line. A damaged line in the last batch (the tail record) discards that batch too;
 * damage with another whole batch after it is not a tail but damage to committed history, and open
 * refuses to continue rather than guess.
 *
 * <p>Concurrency: {@link #append} and {@link #dropSegmentsBefore} are called under the repository's
 * publish lock. Readers call {@link #read} without a lock; they only look at entries up to {@link
 * #head}, whose volatile write follows the index writes it covers.
 */
final class Journal implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);
  static final int FORMAT = 1;
  private static final String HEADER_PREFIX = "metamirror-journal ";
  private static final int PAYLOAD_OFFSET = 11; // "E 1234abcd "

  private final Path dir;
  private final Epoch epoch;
  private final long segmentEntries;

  /** Oldest first; replaced, never mutated, so readers may iterate a stale copy. */
  private volatile List<Segment> segments;

  private volatile long head;
  private boolean broken;

  private Journal(Path dir, Epoch epoch, long segmentEntries, List<Segment> segments, long head) {
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
    List<Segment> segments = new ArrayList<>();
    try {
      return open(dir, epoch, segmentEntries, replayAfter, replay, files, segments);
    } catch (IOException | RuntimeException e) {
      for (Segment segment : segments) {
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
      List<Segment> segments)
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
      Segment segment = Segment.recover(file, first, epoch, last, replayAfter, replay);
      if (segment == null) {
        continue; // a last segment whose header never became durable: it held nothing
      }
      segments.add(segment);
      head = segment.lastSeq();
    }
    if (segments.isEmpty()) {
      segments.add(Segment.create(dir, 1, epoch));
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
    Segment active = segments.get(segments.size() - 1);
    if (active.count() >= segmentEntries) {
      active = Segment.create(dir, head + 1, epoch);
      List<Segment> next = new ArrayList<>(segments);
      next.add(active);
      segments = List.copyOf(next);
    }
    ByteArrayOutputStream batch = new ByteArrayOutputStream(entries.size() * 200);
    long position = active.size;
    long[] lineOffsets = new long[entries.size()];
    int[] payloadLengths = new int[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      byte[] json = entries.get(i).toJson();
      lineOffsets[i] = position + batch.size();
      payloadLengths[i] = json.length;
      writeLine(batch, 'E', json);
    }
    long last = entries.get(entries.size() - 1).seq();
    writeLine(batch, 'C', Long.toString(last).getBytes(StandardCharsets.US_ASCII));
    try {
      ByteBuffer buffer = ByteBuffer.wrap(batch.toByteArray());
      while (buffer.hasRemaining()) {
        active.channel.write(buffer, position + buffer.position());
      }
      active.channel.force(false);
    } catch (IOException e) {
      try {
        active.channel.truncate(position);
        active.channel.force(true);
      } catch (IOException truncateFailed) {
        broken = true;
        e.addSuppressed(truncateFailed);
      }
      throw e;
    }
    active.size = position + batch.size();
    active.index(lineOffsets, payloadLengths);
    head = last;
  }

  /**
   * The JSON of up to {@code limit} entries with seq &gt; {@code since}, in order.
   *
   * @throws ResyncRequiredException when those entries are no longer retained
   */
  List<byte[]> read(long since, int limit, long upTo) throws IOException {
    List<byte[]> out = new ArrayList<>(Math.min(limit, 1024));
    long next = since + 1;
    List<Segment> current = segments;
    if (next < current.get(0).firstSeq) {
      throw new ResyncRequiredException(since, current.get(0).firstSeq);
    }
    try {
      for (Segment segment : current) {
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
    List<Segment> current = segments;
    int drop = 0;
    while (drop < current.size() - 1 && current.get(drop).lastSeq() < keepFrom) {
      drop++;
    }
    if (drop == 0) {
      return;
    }
    segments = List.copyOf(current.subList(drop, current.size()));
    for (Segment segment : current.subList(0, drop)) {
      segment.channel.close();
      Files.deleteIfExists(segment.file);
      log.info(
          "event=journal_segment_dropped first={} last={}", segment.firstSeq, segment.lastSeq());
    }
    FileSystemSync.fsyncDirectory(dir);
  }

  @Override
  public void close() throws IOException {
    for (Segment segment : segments) {
      segment.channel.close();
    }
  }

  private static void writeLine(ByteArrayOutputStream out, char type, byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(payload);
    out.write(type);
    out.write(' ');
    out.writeBytes(String.format("%08x", crc.getValue()).getBytes(StandardCharsets.US_ASCII));
    out.write(' ');
    out.writeBytes(payload);
    out.write('\n');
  }

  /** One segment file and the position of every entry line in it. */
  private static final class Segment {
    final Path file;
    final long firstSeq;
    final FileChannel channel;

    /** Guarded by the publish lock for writes; readers see it through the head's volatile. */
    long size;

    private volatile Index index = new Index(new long[256], new int[256], 0);

    private record Index(long[] lineOffsets, int[] payloadLengths, int count) {}

    private Segment(Path file, long firstSeq, FileChannel channel, long size) {
      this.file = file;
      this.firstSeq = firstSeq;
      this.channel = channel;
      this.size = size;
    }

    int count() {
      return index.count;
    }

    long lastSeq() {
      return firstSeq + index.count - 1;
    }

    void index(long[] lineOffsets, int[] payloadLengths) {
      Index current = index;
      int count = current.count + lineOffsets.length;
      long[] offsets = current.lineOffsets;
      int[] lengths = current.payloadLengths;
      if (count > offsets.length) {
        int capacity = Math.max(count, offsets.length * 2);
        offsets = Arrays.copyOf(offsets, capacity);
        lengths = Arrays.copyOf(lengths, capacity);
      }
      System.arraycopy(lineOffsets, 0, offsets, current.count, lineOffsets.length);
      System.arraycopy(payloadLengths, 0, lengths, current.count, payloadLengths.length);
      index = new Index(offsets, lengths, count);
    }

    void readInto(long fromSeq, long toSeq, List<byte[]> out) throws IOException {
      Index idx = index;
      int from = (int) (fromSeq - firstSeq);
      int to = (int) (toSeq - firstSeq);
      long start = idx.lineOffsets[from];
      long end = idx.lineOffsets[to] + PAYLOAD_OFFSET + idx.payloadLengths[to];
      ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(end - start));
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, start + buffer.position()) < 0) {
          throw new IOException("journal segment " + file + " is shorter than its index");
        }
      }
      byte[] bytes = buffer.array();
      for (int i = from; i <= to; i++) {
        int offset = (int) (idx.lineOffsets[i] - start) + PAYLOAD_OFFSET;
        out.add(Arrays.copyOfRange(bytes, offset, offset + idx.payloadLengths[i]));
      }
    }

    static Segment create(Path dir, long firstSeq, Epoch epoch) throws IOException {
      Path file = dir.resolve(String.format("%020d.log", firstSeq));
      FileChannel channel =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      byte[] header = header(epoch);
      channel.write(ByteBuffer.wrap(header), 0);
      channel.force(true);
      FileSystemSync.fsyncDirectory(dir);
      return new Segment(file, firstSeq, channel, header.length);
    }

    static byte[] header(Epoch epoch) {
      return (HEADER_PREFIX + FORMAT + " epoch=" + epoch + "\n")
          .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads a segment, checking every line. Returns null for a last segment with no durable header
     * (it is deleted). Only the last segment may have a torn tail; it is cut off here.
     */
    static Segment recover(
        Path file,
        long firstSeq,
        Epoch epoch,
        boolean last,
        long replayAfter,
        Consumer<JournalEntry> replay)
        throws IOException {
      byte[] bytes = Files.readAllBytes(file);
      int headerEnd = indexOf(bytes, 0, (byte) '\n');
      String header =
          headerEnd < 0 ? null : new String(bytes, 0, headerEnd, StandardCharsets.US_ASCII);
      if (header == null || !header.startsWith(HEADER_PREFIX)) {
        if (last && bytes.length < Segment.header(epoch).length) {
          log.warn("event=journal_empty_segment_removed file={}", file);
          Files.delete(file);
          return null;
        }
        throw new CorruptDataException("journal segment " + file + " has no valid header");
      }
      String[] parts = header.substring(HEADER_PREFIX.length()).split(" ");
      if (!parts[0].equals(Integer.toString(FORMAT))) {
        throw new UnsupportedFormatException(
            "journal segment "
                + file
                + " has format "
                + parts[0]
                + " but this metamirror reads format "
                + FORMAT
                + "; use the metamirror version that wrote it");
      }
      if (parts.length < 2 || !parts[1].equals("epoch=" + epoch)) {
        throw new CorruptDataException(
            "journal segment " + file + " belongs to another repository (" + header + ")");
      }
      List<Long> offsets = new ArrayList<>();
      List<Integer> lengths = new ArrayList<>();
      List<JournalEntry> pending = new ArrayList<>();
      int committed = 0;
      long validEnd = headerEnd + 1;
      int pos = headerEnd + 1;
      String damage = null;
      while (pos < bytes.length) {
        int eol = indexOf(bytes, pos, (byte) '\n');
        if (eol < 0) {
          damage = "a line without its line break at byte " + pos;
          break;
        }
        String problem = checkLine(bytes, pos, eol);
        if (problem != null) {
          damage = problem + " at byte " + pos;
          break;
        }
        int payloadStart = pos + PAYLOAD_OFFSET;
        long expectedSeq = firstSeq + offsets.size();
        if (bytes[pos] == 'E') {
          offsets.add((long) pos);
          lengths.add(eol - payloadStart);
          if (expectedSeq > replayAfter) {
            JournalEntry entry;
            try {
              entry = JournalEntry.parse(Arrays.copyOfRange(bytes, payloadStart, eol));
            } catch (ProtocolException e) {
              damage = e.getMessage() + " at byte " + pos;
              offsets.remove(offsets.size() - 1);
              lengths.remove(lengths.size() - 1);
              break;
            }
            if (entry.seq() != expectedSeq) {
              damage = "entry has seq " + entry.seq() + ", expected " + expectedSeq;
              offsets.remove(offsets.size() - 1);
              lengths.remove(lengths.size() - 1);
              break;
            }
            pending.add(entry);
          }
        } else {
          String seqText =
              new String(bytes, payloadStart, eol - payloadStart, StandardCharsets.US_ASCII);
          if (!seqText.equals(Long.toString(expectedSeq - 1)) || offsets.size() == committed) {
            damage = "commit line for seq " + seqText + " does not close a batch at byte " + pos;
            break;
          }
          committed = offsets.size();
          validEnd = eol + 1;
          pending.forEach(replay);
          pending.clear();
        }
        pos = eol + 1;
      }
      if (damage == null && committed < offsets.size()) {
        damage = "a batch without its commit line";
      }
      if (damage != null) {
        // The last batch is the tail record: a crash tears it, a bad sector may damage it, and
        // it is discarded either way. Damage with another whole batch after it is not a tail.
        if (!last || goodCommitsAfter(bytes, pos) > 1) {
          throw new CorruptDataException(
              "journal segment "
                  + file
                  + " is damaged inside committed history: "
                  + damage
                  + "; restore the data directory from a backup");
        }
        log.warn(
            "event=journal_torn_tail_discarded file={} bytes={} reason=\"{}\"",
            file,
            bytes.length - validEnd,
            damage);
      }
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      if (validEnd < bytes.length) {
        channel.truncate(validEnd);
        channel.force(true);
      }
      Segment segment = new Segment(file, firstSeq, channel, validEnd);
      long[] lineOffsets = new long[committed];
      int[] payloadLengths = new int[committed];
      for (int i = 0; i < committed; i++) {
        lineOffsets[i] = offsets.get(i);
        payloadLengths[i] = lengths.get(i);
      }
      segment.index(lineOffsets, payloadLengths);
      return segment;
    }

    private static String checkLine(byte[] bytes, int pos, int eol) {
      if (eol - pos < PAYLOAD_OFFSET
          || (bytes[pos] != 'E' && bytes[pos] != 'C')
          || bytes[pos + 1] != ' '
          || bytes[pos + 10] != ' ') {
        return "a malformed line";
      }
      String crcText = new String(bytes, pos + 2, 8, StandardCharsets.US_ASCII);
      CRC32C crc = new CRC32C();
      crc.update(bytes, pos + PAYLOAD_OFFSET, eol - pos - PAYLOAD_OFFSET);
      if (!String.format("%08x", crc.getValue()).equals(crcText)) {
        return "a checksum mismatch";
      }
      return null;
    }

    /** How many well-formed commit lines follow the line at {@code from}. */
    private static int goodCommitsAfter(byte[] bytes, int from) {
      int count = 0;
      int pos = indexOf(bytes, from, (byte) '\n');
      while (pos >= 0 && pos + 1 < bytes.length) {
        int start = pos + 1;
        int eol = indexOf(bytes, start, (byte) '\n');
        if (eol < 0) {
          break;
        }
        if (bytes[start] == 'C' && checkLine(bytes, start, eol) == null) {
          count++;
        }
        pos = eol;
      }
      return count;
    }

    private static int indexOf(byte[] bytes, int from, byte b) {
      for (int i = from; i < bytes.length; i++) {
        if (bytes[i] == b) {
          return i;
        }
      }
      return -1;
    }
  }
}
