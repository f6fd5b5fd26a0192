package io.metamirror.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
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
      json.writeStartObject();
      json.writeNumberField("format", FORMAT);
      json.writeStringField("epoch", epoch.value());
      json.writeNumberField("head", head);
      json.writeArrayFieldStart("entries");
      for (JournalEntry entry : entries) {
        entry.writeJson(json);
      }
      json.writeEndArray();
      json.writeEndObject();
    }
  }

  public static FeedPage read(InputStream in) throws IOException {
    try (JsonParser json = JournalEntry.JSON.createParser(in)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw new ProtocolException("feed page is not a JSON object");
      }
      Integer format = null;
      Epoch epoch = null;
      long head = -1;
      List<JournalEntry> entries = null;
      for (JsonToken t = json.nextToken(); t != JsonToken.END_OBJECT; t = json.nextToken()) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        switch (field) {
          case "format" -> format = json.getValueAsInt(-1);
          case "epoch" -> {
            try {
              epoch = new Epoch(json.getText());
            } catch (IllegalArgumentException e) {
              throw new ProtocolException("feed page: " + e.getMessage());
            }
          }
          case "head" -> head = json.getValueAsLong(-1);
          case "entries" -> {
            if (value != JsonToken.START_ARRAY) {
              throw new ProtocolException("feed page: entries must be an array");
            }
            entries = new ArrayList<>();
            while (json.nextToken() == JsonToken.START_OBJECT) {
              entries.add(JournalEntry.read(json));
            }
          }
          default -> json.skipChildren();
        }
      }
      if (format == null || format != FORMAT) {
        throw new ProtocolException(
            "feed page format " + format + " is not supported (this version reads " + FORMAT + ")");
      }
      if (epoch == null || head < 0 || entries == null) {
        throw new ProtocolException("feed page: epoch, head and entries are required");
      }
      return new FeedPage(epoch, head, entries);
    }
  }
}
