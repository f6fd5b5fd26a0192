package io.metamirror.sync.store;

import io.metamirror.protocol.AtomicFile;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.Sha256;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the store holds, path → sha256, size, time, seq — so start-up is fast, {@code verify} has
 * something to check against, and a server can answer with the sha256 as ETag without hashing.
 *
 * <p>On disk, a base file written whole at bootstrap and compaction, and a log appended at each
 * committed page:
 *
 * <pre>
 * .metamirror/manifest       metamirror-store-manifest 1 epoch=9f86… seq=1200 files=1
 *                            7	1763791335123	812	2c26b4…e7ae	p2/acme/widget.json
 *                            end 1c0ffee5
 * .metamirror/manifest.log   P 3a8e7c10 1201	1763791399001	301	fcde2b…8fb9	packages.json
 *                            D 0b9e43d1 1202	p2/acme/old.json
 * </pre>
 *
 * Base lines: seq, time, size, sha256, path (tab-separated; paths hold no tab), then the CRC32C of
 * everything before the end line. Log lines: {@code P}ut or {@code D}elete, the CRC32C of the rest
 * of the line, then the fields. The log is replayed over the base in order; replaying a line twice
 * gives the same state, so a page re-applied after a crash may log again. A torn last line is
 * ignored. Not thread-safe for writers: the agent's single commit thread calls {@link #append};
 * readers use {@link #get} at any time. In memory the entries are a {@link FileIndex} (no object
 * per file).
 */
final class LocalManifest {
  private static final Logger log = LoggerFactory.getLogger(LocalManifest.class);
  static final int FORMAT = 1;
  private static final String HEADER = "metamirror-store-manifest ";

  private final Path base;
  private final Path logFile;
  private final FileIndex files = new FileIndex();
  private FileChannel logChannel;
  private long logLines;

  LocalManifest(Path stateDir) {
    this.base = stateDir.resolve("manifest");
    this.logFile = stateDir.resolve("manifest.log");
  }

  LocalFile get(ContentPath path) {
    return files.get(path);
  }

  Collection<LocalFile> all() {
    return files.all();
  }

  /** See {@link FileIndex#inPathOrder}. */
  Iterable<LocalFile> inPathOrder(ContentPath after) {
    return files.inPathOrder(after);
  }

  long totalSize() {
    return files.totalSize();
  }

  int size() {
    return files.size();
  }

  long logLines() {
    return logLines;
  }

  /** Loads without touching the files (no truncation, no log opened), for readers. */
  void loadReadOnly() throws IOException {
    files.clear();
    if (Files.exists(base)) {
      readBase();
    }
    if (Files.exists(logFile)) {
      readLog();
    }
  }

  void load() throws IOException {
    files.clear();
    if (Files.exists(base)) {
      readBase();
    }
    logLines = 0;
    if (Files.exists(logFile)) {
      long validEnd = readLog();
      if (validEnd < Files.size(logFile)) {
        log.warn("event=manifest_log_torn_tail_discarded bytes={}", Files.size(logFile) - validEnd);
        try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.WRITE)) {
          ch.truncate(validEnd);
        }
      }
    }
    openLog();
  }

  private void openLog() throws IOException {
    if (logChannel != null) {
      logChannel.close();
    }
    logChannel =
        FileChannel.open(
            logFile,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
  }

  /**
   * Records committed changes durably (one fdatasync) and applies them to the in-memory map, both
   * in the order given, which must be seq order: the last change of a path is the one that stays,
   * on disk as when the log is replayed.
   */
  void append(List<StoreChange> changes) throws IOException {
    if (changes.isEmpty()) {
      return;
    }
    StringBuilder lines = new StringBuilder();
    for (StoreChange change : changes) {
      if (change instanceof StoreChange.Put put) {
        LocalFile f = put.file();
        line(
            lines,
            'P',
            f.seq() + "\t" + f.time() + "\t" + f.size() + "\t" + f.sha256() + "\t" + f.path());
      } else {
        line(lines, 'D', change.seq() + "\t" + change.path());
      }
    }
    ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
    long end = logChannel.size();
    try {
      while (bytes.hasRemaining()) {
        logChannel.write(bytes);
      }
      logChannel.force(false);
    } catch (IOException e) {
      // A full disk writes what fits, then fails. Cut that off: the commit is retried, and lines
      // appended after a torn one would be discarded with it by load().
      try {
        logChannel.truncate(end);
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    for (StoreChange change : changes) {
      if (change instanceof StoreChange.Put put) {
        files.put(put.file());
      } else {
        files.remove(change.path());
      }
    }
    logLines += changes.size();
  }

  /** Applies changes in memory only (the caller records them by {@link #rewrite}). */
  void putInMemory(LocalFile f) {
    files.put(f);
  }

  void clearInMemory() {
    files.clear();
  }

  /** Writes the whole map as the new base and empties the log. */
  void rewrite(Epoch epoch, long seq) throws IOException {
    // In path order, one entry at a time: a list of a million entries would need more heap than
    // the index itself.
    int count = files.size();
    Iterable<LocalFile> sorted = files.inPathOrder(null);
    AtomicFile.at(base).write(out -> writeBase(out, epoch, seq, count, sorted));
    if (logChannel != null) {
      logChannel.close();
      logChannel = null;
    }
    Files.deleteIfExists(logFile);
    logLines = 0;
    openLog();
  }

  void close() throws IOException {
    if (logChannel != null) {
      logChannel.close();
    }
  }

  private static void writeBase(
      OutputStream out, Epoch epoch, long seq, int count, Iterable<LocalFile> sorted)
      throws IOException {
    CRC32C crc = new CRC32C();
    emit(out, crc, HEADER + FORMAT + " epoch=" + epoch + " seq=" + seq + " files=" + count + "\n");
    for (LocalFile f : sorted) {
      emit(
          out,
          crc,
          f.seq() + "\t" + f.time() + "\t" + f.size() + "\t" + f.sha256() + "\t" + f.path() + "\n");
    }
    out.write(String.format("end %08x\n", crc.getValue()).getBytes(StandardCharsets.US_ASCII));
  }

  private static void emit(OutputStream out, CRC32C crc, String line) throws IOException {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    crc.update(bytes);
    out.write(bytes);
  }

  private static void line(StringBuilder out, char type, String payload) {
    CRC32C crc = new CRC32C();
    crc.update(payload.getBytes(StandardCharsets.UTF_8));
    out.append(type).append(' ').append(String.format("%08x", crc.getValue())).append(' ');
    out.append(payload).append('\n');
  }

  private void readBase() throws IOException {
    CRC32C crc = new CRC32C();
    try (BufferedReader in = Files.newBufferedReader(base, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null || !header.startsWith(HEADER)) {
        throw corrupt("no header");
      }
      String[] parts = header.substring(HEADER.length()).split(" ");
      if (!parts[0].equals(Integer.toString(FORMAT))) {
        throw corrupt("format " + parts[0] + " (this metamirror reads " + FORMAT + ")");
      }
      crc.update((header + "\n").getBytes(StandardCharsets.UTF_8));
      int count = Integer.parseInt(parts[parts.length - 1].substring("files=".length()));
      for (int i = 0; i < count; i++) {
        String line = in.readLine();
        if (line == null) {
          throw corrupt("ends after " + i + " of " + count + " files");
        }
        crc.update((line + "\n").getBytes(StandardCharsets.UTF_8));
        String[] f = line.split("\t", 5);
        if (f.length != 5) {
          throw corrupt("malformed line " + (i + 2));
        }
        put(f);
      }
      String end = in.readLine();
      if (end == null || !end.equals(String.format("end %08x", crc.getValue()))) {
        throw corrupt("checksum mismatch or missing end line");
      }
    } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
      throw corrupt(e.getMessage());
    }
  }

  private void put(String[] f) {
    ContentPath path = ContentPath.parse(f[4]);
    files.put(
        new LocalFile(
            path,
            Sha256.parse(f[3]),
            Long.parseLong(f[2]),
            Long.parseLong(f[1]),
            Long.parseLong(f[0])));
  }

  /** Replays the log; returns the byte length of its valid prefix. */
  private long readLog() throws IOException {
    byte[] bytes = Files.readAllBytes(logFile);
    int pos = 0;
    while (pos < bytes.length) {
      int eol = pos;
      while (eol < bytes.length && bytes[eol] != '\n') {
        eol++;
      }
      if (eol == bytes.length || eol - pos < 12) {
        break;
      }
      String line = new String(bytes, pos, eol - pos, StandardCharsets.UTF_8);
      String payload = line.substring(11);
      CRC32C crc = new CRC32C();
      crc.update(payload.getBytes(StandardCharsets.UTF_8));
      if (!line.substring(2, 10).equals(String.format("%08x", crc.getValue()))) {
        break;
      }
      try {
        String[] f = payload.split("\t", line.charAt(0) == 'P' ? 5 : 2);
        if (line.charAt(0) == 'P' && f.length == 5) {
          put(f);
        } else if (line.charAt(0) == 'D' && f.length == 2) {
          files.remove(ContentPath.parse(f[1]));
        } else {
          break;
        }
      } catch (IllegalArgumentException e) {
        break;
      }
      logLines++;
      pos = eol + 1;
    }
    return pos;
  }

  private StoreCorruptException corrupt(String why) {
    return new StoreCorruptException("store manifest " + base + " is corrupt: " + why);
  }
}
