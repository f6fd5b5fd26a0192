package io.metamirror.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * One answer of {@code GET /.metamirror/feed?since=N}: the entries with seq &gt; N, in order, at
 * most {@code limit} of them, and the origin's head when it answered.
 *
 * <pre>
 * {"format":1,"epoch":"9f86d081884c7d659a2feaa0c55ad015","head":8,"entries":[
 *   {"seq":7,"op":"put","path":"p2/acme/widget.json","sha256":"2c26b4…e7ae","size":812,"time":1763791335123},
 *   {"seq":8,"op":"delete","path":"p2/acme/old.json","time":1763791335123}]}
 * </pre>
 *
 * An empty {@code entries} means nothing newer than N arrived within the wait. {@code format} is
 * {@value #FORMAT}; a reader rejects any other value.
 */
public record FeedPage(Epoch epoch, long head, List<JournalEntry> entries) {
  public static final int FORMAT = 1;

  public FeedPage {
    entries = List.copyOf(entries);
  }

  /**
   * Writes a page whose entries are already serialised (the origin keeps them that way in its
   * journal), so serving the feed never parses entries.
   */
  public static void writeRaw(OutputStream out, Epoch epoch, long head, List<byte[]> entryJson)
      throws IOException {
    out.write(
        ("{\"format\":"
                + FORMAT
                + ",\"epoch\":\""
                + epoch
                + "\",\"head\":"
                + head
                + ",\"entries\":[")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    for (int i = 0; i < entryJson.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(entryJson.get(i));
    }
    out.write(']');
    out.write('}');
  }

  public void write(OutputStream out) throws IOException {
    try (JsonGenerator json = JournalEntry.JSON.createGenerator(out)) {
      new EpochDocument<>(epoch, head, entries)
          .write(json, FORMAT, "head", "entries", JournalEntry::writeJson);
    }
  }

  public static FeedPage read(InputStream in) throws IOException {
    try (JsonParser json = JournalEntry.JSON.createParser(in)) {
      EpochDocument<JournalEntry> page =
          EpochDocument.read(json, "feed page", FORMAT, "head", "entries", JournalEntry::read);
      return new FeedPage(page.epoch(), page.number(), page.items());
    }
  }
}
