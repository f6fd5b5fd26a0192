package io.metamirror.origin.repository;

import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.FileSystemSync;
import io.metamirror.protocol.JournalEntry;
import io.metamirror.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment file of the {@link Journal} (its format is documented there), open for reading and
 * appending, and the position of every committed entry line in it, so that a read of a run of
 * entries is one positioned read.
 *
 * <p>{@link #recover} checks every line of an existing segment: a torn or damaged last batch of the
 * last segment is cut off (the tail record), damage anywhere else is refused as corrupt history.
 * {@link #create} makes a new segment durable (header, fsync, fsync of the directory) before the
 * journal appends to it.
 *
 * <p>Concurrency: {@link #size} and {@link #index} change only under the repository's publish lock;
 * readers see the index through its volatile, after the journal's head.
 */
final class JournalSegment {
  private static final Logger log = LoggerFactory.getLogger(JournalSegment.class);
  static final int FORMAT = 1;
  private static final String HEADER_PREFIX = "metamirror-journal ";
  private static final int PAYLOAD_OFFSET = 11; // "E 1234abcd "
  static final int PENDING_LIMIT = 10_000;
  private static final byte[] LOWER_HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  final Path file;
  final long firstSeq;
  final FileChannel channel;

  /** Guarded by the publish lock for writes; readers see it through the head's volatile. */
  long size;

  private volatile Index index = new Index(new long[256], new int[256], 0);

  private record Index(long[] lineOffsets, int[] payloadLengths, int count) {}

  private JournalSegment(Path file, long firstSeq, FileChannel channel, long size) {
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

  /** Appends one line: its type, the CRC32C of its payload, the payload. */
  static void writeLine(ByteArrayOutputStream out, char type, byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(payload);
    out.write(type);
    out.write(' ');
    long value = crc.getValue();
    for (int shift = 28; shift >= 0; shift -= 4) {
      out.write(LOWER_HEX[(int) (value >>> shift) & 0xf]);
    }
    out.write(' ');
    out.writeBytes(payload);
    out.write('\n');
  }

  static JournalSegment create(Path dir, long firstSeq, Epoch epoch) throws IOException {
    Path file = dir.resolve(String.format("%020d.log", firstSeq));
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    byte[] header = header(epoch);
    channel.write(ByteBuffer.wrap(header), 0);
    channel.force(true);
    FileSystemSync.fsyncDirectory(dir);
    return new JournalSegment(file, firstSeq, channel, header.length);
  }

  static byte[] header(Epoch epoch) {
    return (HEADER_PREFIX + FORMAT + " epoch=" + epoch + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads a segment, checking every line. Returns null for a last segment with no durable header
   * (it is deleted). Only the last segment may have a torn tail; it is cut off here.
   */
  static JournalSegment recover(
      Path file,
      long firstSeq,
      Epoch epoch,
      boolean last,
      long replayAfter,
      Consumer<JournalEntry> replay)
      throws IOException {
    byte[] bytes = readFully(file);
    int headerEnd = indexOf(bytes, 0, (byte) '\n');
    String header =
        headerEnd < 0 ? null : new String(bytes, 0, headerEnd, StandardCharsets.US_ASCII);
    if (header == null || !header.startsWith(HEADER_PREFIX)) {
      if (last && bytes.length < header(epoch).length) {
        log.warn("event=journal_empty_segment_removed file={}", file);
        Files.delete(file);
        return null;
      }
      throw new CorruptDataException("journal segment " + file + " has no valid header");
    }
    String[] parts = header.substring(HEADER_PREFIX.length()).split(" ");
    if (!parts[0].equals(Integer.toString(FORMAT))) {
      throw UnsupportedFormatException.of("journal segment " + file, parts[0], FORMAT);
    }
    if (parts.length < 2 || !parts[1].equals("epoch=" + epoch)) {
      throw new CorruptDataException(
          "journal segment " + file + " belongs to another repository (" + header + ")");
    }
    // Primitive arrays, grown by hand: a segment may hold a batch of a million entries.
    long[] offsets = new long[1024];
    int[] lengths = new int[1024];
    int lines = 0;
    // The batch being read, replayed once its commit line is seen. Above PENDING_LIMIT entries
    // (one publish-dir of a million files is one batch) they are parsed again at the commit from
    // their lines instead of being held: a million entries as objects would take ~250 MB.
    List<JournalEntry> pending = new ArrayList<>();
    boolean reparse = false;
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
      long expectedSeq = firstSeq + lines;
      if (bytes[pos] == 'E') {
        if (lines == offsets.length) {
          offsets = Arrays.copyOf(offsets, lines * 2);
          lengths = Arrays.copyOf(lengths, lines * 2);
        }
        offsets[lines] = pos;
        lengths[lines] = eol - payloadStart;
        lines++;
        if (expectedSeq > replayAfter) {
          JournalEntry entry;
          try {
            entry = JournalEntry.parse(Arrays.copyOfRange(bytes, payloadStart, eol));
          } catch (ProtocolException e) {
            damage = e.getMessage() + " at byte " + pos;
            lines--;
            break;
          }
          if (entry.seq() != expectedSeq) {
            damage = "entry has seq " + entry.seq() + ", expected " + expectedSeq;
            lines--;
            break;
          }
          if (!reparse && pending.size() < PENDING_LIMIT) {
            pending.add(entry);
          } else {
            reparse = true;
            pending.clear();
          }
        }
      } else {
        String seqText =
            new String(bytes, payloadStart, eol - payloadStart, StandardCharsets.US_ASCII);
        if (!seqText.equals(Long.toString(expectedSeq - 1)) || lines == committed) {
          damage = "commit line for seq " + seqText + " does not close a batch at byte " + pos;
          break;
        }
        int batchStart = committed;
        committed = lines;
        validEnd = eol + 1;
        if (reparse) {
          replayAgain(bytes, offsets, lengths, batchStart, lines, firstSeq, replayAfter, replay);
        } else {
          pending.forEach(replay);
        }
        pending.clear();
        reparse = false;
      }
      pos = eol + 1;
    }
    if (damage == null && committed < lines) {
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
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (validEnd < bytes.length) {
      channel.truncate(validEnd);
      channel.force(true);
    }
    JournalSegment segment = new JournalSegment(file, firstSeq, channel, validEnd);
    segment.index(Arrays.copyOf(offsets, committed), Arrays.copyOf(lengths, committed));
    return segment;
  }

  /** Replays lines {@code from} to {@code to} (exclusive), already checked when first read. */
  private static void replayAgain(
      byte[] bytes,
      long[] offsets,
      int[] lengths,
      int from,
      int to,
      long firstSeq,
      long replayAfter,
      Consumer<JournalEntry> replay) {
    for (int i = from; i < to; i++) {
      if (firstSeq + i <= replayAfter) {
        continue;
      }
      int start = (int) offsets[i] + PAYLOAD_OFFSET;
      try {
        replay.accept(JournalEntry.parse(Arrays.copyOfRange(bytes, start, start + lengths[i])));
      } catch (ProtocolException e) {
        throw new IllegalStateException("a journal line parsed once no longer parses", e);
      }
    }
  }

  private static String checkLine(byte[] bytes, int pos, int eol) {
    if (eol - pos < PAYLOAD_OFFSET
        || (bytes[pos] != 'E' && bytes[pos] != 'C')
        || bytes[pos + 1] != ' '
        || bytes[pos + 10] != ' ') {
      return "a malformed line";
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, pos + PAYLOAD_OFFSET, eol - pos - PAYLOAD_OFFSET);
    // Compared digit by digit: String.format per line was a third of start-up at 1,000,000 lines.
    long value = crc.getValue();
    for (int i = 0; i < 8; i++) {
      int digit = (int) (value >>> (28 - 4 * i)) & 0xf;
      if (bytes[pos + 2 + i] != LOWER_HEX[digit]) {
        return "a checksum mismatch";
      }
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

  /**
   * The whole file, read 1 MiB at a time: {@link Files#readAllBytes} reads it in one call, for
   * which the JDK caches a direct buffer of the file's size per thread (200 MB of RSS that never
   * left, for a segment of a million entries).
   */
  private static byte[] readFully(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      byte[] bytes = new byte[Math.toIntExact(channel.size())];
      int done = 0;
      while (done < bytes.length) {
        int n = channel.read(ByteBuffer.wrap(bytes, done, Math.min(1 << 20, bytes.length - done)));
        if (n < 0) {
          return Arrays.copyOf(bytes, done); // cut while we read: what was there
        }
        done += n;
      }
      return bytes;
    }
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
