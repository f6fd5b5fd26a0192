package io.metamirror.origin.repository;

import io.metamirror.protocol.AtomicFile;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.Sha256;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The tree at one seq, so that start-up replays only the journal after it:
 *
 * <pre>
 * metamirror-tree 1 epoch=9f86d081884c7d659a2feaa0c55ad015 seq=1200 files=2
 * 7	1763791335123	812	2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae	p2/acme/widget.json
 * 1200	1763791399001	301	fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9	packages.json
 * end 1c0ffee5
 * </pre>
 *
 * Fields are tab-separated (content paths cannot hold a tab): seq of the put, time, size, sha256,
 * path. The last line is the CRC32C of every byte before it. It is replaced whole ({@link
 * AtomicFile}), so a reader finds either the old or the new checkpoint, complete; anything else is
 * rejected as corrupt.
 */
final class Checkpoint {
  static final int FORMAT = 1;
  static final String FILE_NAME = "tree.checkpoint";
  private static final String HEADER_PREFIX = "metamirror-tree ";

  private Checkpoint() {}

  static void write(Path dataDir, TreeSnapshot tree) throws IOException {
    AtomicFile.at(dataDir.resolve(FILE_NAME)).write(stream -> write(stream, tree));
  }

  private static void write(OutputStream out, TreeSnapshot tree) throws IOException {
    CRC32C crc = new CRC32C();
    emit(
        out,
        crc,
        HEADER_PREFIX
            + FORMAT
            + " epoch="
            + tree.epoch()
            + " seq="
            + tree.seq()
            + " files="
            + tree.size()
            + "\n");
    StringBuilder line = new StringBuilder(256);
    for (TreeFile f : tree.files()) {
      line.setLength(0);
      line.append(f.seq())
          .append('\t')
          .append(f.time())
          .append('\t')
          .append(f.size())
          .append('\t')
          .append(f.sha256().hex())
          .append('\t')
          .append(f.path().value())
          .append('\n');
      emit(out, crc, line);
    }
    out.write(String.format("end %08x\n", crc.getValue()).getBytes(StandardCharsets.US_ASCII));
  }

  private static void emit(OutputStream out, CRC32C crc, CharSequence line) throws IOException {
    byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
    crc.update(bytes);
    out.write(bytes);
  }

  /** The file count a checkpoint's header announces, to size the tree; 0 when there is none. */
  static int fileCount(Path dataDir) {
    try (BufferedReader in =
        Files.newBufferedReader(dataDir.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
      String header = in.readLine();
      int at = header == null ? -1 : header.lastIndexOf(" files=");
      return at < 0 ? 0 : Integer.parseInt(header.substring(at + 7));
    } catch (IOException | NumberFormatException e) {
      return 0; // read() below reports what is wrong
    }
  }

  /**
   * Puts every file of the checkpoint into {@code tree}, one line at a time (no list of the whole
   * tree), and returns its seq, or -1 when there is no checkpoint yet. On a corrupt checkpoint the
   * tree holds some of it and the caller discards it.
   */
  static long read(Path dataDir, Epoch epoch, TreeIndex tree) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return -1;
    }
    CRC32C crc = new CRC32C();
    try (BufferedReader in =
        new BufferedReader(Files.newBufferedReader(file, StandardCharsets.UTF_8), 1 << 16)) {
      String header = in.readLine();
      if (header == null || !header.startsWith(HEADER_PREFIX)) {
        throw corrupt(file, "no header");
      }
      String[] parts = header.substring(HEADER_PREFIX.length()).split(" ");
      if (!parts[0].equals(Integer.toString(FORMAT))) {
        throw UnsupportedFormatException.of("tree checkpoint " + file, parts[0], FORMAT);
      }
      if (parts.length != 4
          || !parts[1].equals("epoch=" + epoch)
          || !parts[2].startsWith("seq=")
          || !parts[3].startsWith("files=")) {
        throw corrupt(file, "unexpected header: " + header);
      }
      crc.update((header + "\n").getBytes(StandardCharsets.UTF_8));
      long seq = Long.parseLong(parts[2].substring(4));
      int count = Integer.parseInt(parts[3].substring(6));
      for (int i = 0; i < count; i++) {
        String line = in.readLine();
        if (line == null) {
          throw corrupt(file, "ends after " + i + " of " + count + " files");
        }
        crc.update((line + "\n").getBytes(StandardCharsets.UTF_8));
        String[] f = line.split("\t", 5);
        if (f.length != 5) {
          throw corrupt(file, "malformed line " + (i + 2));
        }
        try {
          tree.put(
              ContentPath.parse(f[4]),
              Sha256.parse(f[3]),
              Long.parseLong(f[2]),
              Long.parseLong(f[1]),
              Long.parseLong(f[0]));
        } catch (IllegalArgumentException e) {
          throw corrupt(file, "line " + (i + 2) + ": " + e.getMessage());
        }
      }
      String end = in.readLine();
      if (end == null || !end.equals(String.format("end %08x", crc.getValue()))) {
        throw corrupt(file, "checksum mismatch or missing end line");
      }
      return seq;
    } catch (NumberFormatException e) {
      throw corrupt(file, e.getMessage());
    } catch (CharacterCodingException e) {
      throw corrupt(file, "not valid UTF-8 (" + e + ")");
    }
  }

  private static CorruptDataException corrupt(Path file, String why) {
    return new CorruptDataException("tree checkpoint " + file + " is corrupt: " + why);
  }
}
