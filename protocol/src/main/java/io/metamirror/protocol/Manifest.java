package io.metamirror.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Every file of the tree at one seq: the first member of a snapshot archive ({@code
 * .metamirror/manifest.json}) and the body of {@code GET /.metamirror/manifest}.
 *
 * <pre>
 * {"format":1,"epoch":"9f86d081884c7d659a2feaa0c55ad015","seq":1200,"files":[
 *   {"path":"p2/acme/widget.json","sha256":"2c26b4…e7ae","size":812,"time":1763791335123,"seq":7},
 *   {"path":"packages.json","sha256":"fcde2b…8fb9","size":301,"time":1763791399001,"seq":1200}]}
 * </pre>
 *
 * Files are sorted by path. {@code seq} is the put that made the file's content; installing files
 * in seq order replays the tree in journal order, so referenced files land before their indexes.
 * {@code format} is {@value #FORMAT}; a reader rejects any other value.
 */
public record Manifest(Epoch epoch, long seq, List<File> files) {
  public static final int FORMAT = 1;

  /** Where the manifest sits inside a snapshot archive; dot-named, so never a content path. */
  public static final String ARCHIVE_NAME = ".metamirror/manifest.json";

  /** A file, with the seq and time of the put that made its current content. */
  public record File(ContentPath path, Sha256 sha256, long size, long time, long seq) {}

  public Manifest {
    files = List.copyOf(files);
  }

  public void write(OutputStream out) throws IOException {
    write(out, epoch, seq, files);
  }

  /**
   * Writes the manifest of {@code files} (sorted by path) as they are produced, so that a server
   * need not hold a list of its whole tree.
   */
  public static void write(OutputStream out, Epoch epoch, long seq, Iterable<File> files)
      throws IOException {
    try (JsonGenerator json = JournalEntry.JSON.createGenerator(out)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      EpochDocument.write(json, epoch, seq, files, FORMAT, "seq", "files", Manifest::writeFile);
    }
  }

  public static Manifest read(InputStream in) throws IOException {
    try (JsonParser json = JournalEntry.JSON.createParser(in)) {
      json.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
      EpochDocument<File> manifest =
          EpochDocument.read(json, "manifest", FORMAT, "seq", "files", Manifest::readFile);
      return new Manifest(manifest.epoch(), manifest.number(), manifest.items());
    }
  }

  private static void writeFile(File f, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("path", f.path().value());
    json.writeStringField("sha256", f.sha256().hex());
    json.writeNumberField("size", f.size());
    json.writeNumberField("time", f.time());
    json.writeNumberField("seq", f.seq());
    json.writeEndObject();
  }

  private static File readFile(JsonParser json) throws IOException {
    String path = null;
    String sha256 = null;
    long size = -1;
    long time = Long.MIN_VALUE;
    long seq = -1;
    for (JsonToken t = json.nextToken(); t != JsonToken.END_OBJECT; t = json.nextToken()) {
      String field = json.currentName();
      json.nextToken();
      switch (field) {
        case "path" -> path = json.getText();
        case "sha256" -> sha256 = json.getText();
        case "size" -> size = json.getValueAsLong(-1);
        case "time" -> time = json.getValueAsLong(Long.MIN_VALUE);
        case "seq" -> seq = json.getValueAsLong(-1);
        default -> json.skipChildren();
      }
    }
    if (size < 0 || time == Long.MIN_VALUE || seq < 1) {
      throw new ProtocolException("manifest: file " + path + " needs size, time and seq");
    }
    try {
      return new File(ContentPath.parse(path), Sha256.parse(sha256), size, time, seq);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("manifest: " + e.getMessage());
    }
  }
}
