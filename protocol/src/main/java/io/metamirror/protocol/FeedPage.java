package io.metamirror.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One answer of {@code GET /.metamirror/feed?since=N}: the entries with seq &gt; N, in order, at
 * most {@code limit} of them, and the origin's head when it answered.
 *
 * <pre>
 * {"format":1,"epoch":"9f86d081884c7d659a2feaa0c55ad015","head":8,"entries":[
 *   {"seq":7,"op":"put","path":"p2/acme/widget.json","sha256":"2c26b4…e7ae","size":812,"time":1763791335123,"content":"eyJwYWNr…"},
 *   {"seq":8,"op":"delete","path":"p2/acme/old.json","time":1763791335123}]}
 * </pre>
 *
 * An empty {@code entries} means nothing newer than N arrived within the wait. {@code format} is
 * {@value #FORMAT}; a reader rejects any other value.
 *
 * <p>{@code content} (base64, with padding) is the put's file itself, carried inline when the
 * reader asked for it ({@code &inline=BYTES}) and the file is at most {@value #INLINE_FILE_MAX}
 * bytes, so that a small change costs no blob request (issue 21). It is optional in format 1: a
 * reader that never asks never gets it, and an older origin ignores the question, in which case the
 * reader fetches the blob as always. It is untrusted like a fetched blob: the reader checks size
 * and sha256 before it uses the bytes. Reading refuses content on a delete, content that is not
 * base64, and content over {@value #INLINE_FILE_MAX} bytes.
 *
 * @param inline content carried inline, by the seq of its put
 */
public record FeedPage(
    Epoch epoch, long head, List<JournalEntry> entries, Map<Long, byte[]> inline) {
  public static final int FORMAT = 1;

  /** The largest file the origin carries inline in a feed page. */
  public static final int INLINE_FILE_MAX = 64 * 1024;

  public FeedPage {
    entries = List.copyOf(entries);
    inline = Map.copyOf(inline);
  }

  public FeedPage(Epoch epoch, long head, List<JournalEntry> entries) {
    this(epoch, head, entries, Map.of());
  }

  /** The content of the put at {@code seq} carried inline, or null. */
  public byte[] inlineContent(long seq) {
    return inline.get(seq);
  }

  /** How many bytes of content the page carries inline. */
  public long inlineBytes() {
    long total = 0;
    for (byte[] content : inline.values()) {
      total += content.length;
    }
    return total;
  }

  /** This page cut after its first {@code n} entries, with their inline content. */
  public FeedPage prefix(int n) {
    List<JournalEntry> kept = entries.subList(0, n);
    Map<Long, byte[]> keptInline = new HashMap<>();
    for (JournalEntry e : kept) {
      if (inline.containsKey(e.seq())) {
        keptInline.put(e.seq(), inline.get(e.seq()));
      }
    }
    return new FeedPage(epoch, head, kept, keptInline);
  }

  /**
   * Writes a page whose entries are already serialised (the origin keeps them that way in its
   * journal), so serving the feed never parses entries.
   */
  public static void writeRaw(OutputStream out, Epoch epoch, long head, List<byte[]> entryJson)
      throws IOException {
    writeRaw(out, epoch, head, entryJson, null);
  }

  /**
   * As {@link #writeRaw(OutputStream, Epoch, long, List)}, with {@code content[i]} (when the list
   * and the element are not null) inline in entry {@code i}, spliced before its closing brace.
   */
  public static void writeRaw(
      OutputStream out, Epoch epoch, long head, List<byte[]> entryJson, List<byte[]> content)
      throws IOException {
    out.write(
        ("{\"format\":"
                + FORMAT
                + ",\"epoch\":\""
                + epoch
                + "\",\"head\":"
                + head
                + ",\"entries\":[")
            .getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < entryJson.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      byte[] entry = entryJson.get(i);
      byte[] inline = content == null ? null : content.get(i);
      if (inline == null) {
        out.write(entry);
        continue;
      }
      out.write(entry, 0, entry.length - 1); // an entry is one object: its last byte is '}'
      out.write(",\"content\":\"".getBytes(StandardCharsets.US_ASCII));
      out.write(Base64.getEncoder().encode(inline));
      out.write("\"}".getBytes(StandardCharsets.US_ASCII));
    }
    out.write(']');
    out.write('}');
  }

  public void write(OutputStream out) throws IOException {
    List<byte[]> json = new ArrayList<>(entries.size());
    List<byte[]> content = new ArrayList<>(entries.size());
    for (JournalEntry e : entries) {
      json.add(e.toJson());
      content.add(inline.get(e.seq()));
    }
    writeRaw(out, epoch, head, json, content);
  }

  /**
   * Reads a page with the limits of {@link UntrustedJson} (a string of at most 1 MiB, so one inline
   * content too), whatever sent it.
   */
  public static FeedPage read(InputStream in) throws IOException {
    try (JsonParser json = UntrustedJson.FACTORY.createParser(in)) {
      InlineReader reader = new InlineReader();
      EpochDocument<JournalEntry> page =
          EpochDocument.read(json, "feed page", FORMAT, "head", "entries", reader::read);
      return new FeedPage(page.epoch(), page.number(), page.items(), reader.inline);
    }
  }

  /** Reads entries, keeping each one's inline content aside by seq. */
  private static final class InlineReader {
    private static final int MAX_BASE64_CHARS = (INLINE_FILE_MAX + 2) / 3 * 4;

    final Map<Long, byte[]> inline = new HashMap<>();
    private String content;

    JournalEntry read(JsonParser json) throws IOException {
      content = null;
      JournalEntry entry = JournalEntry.read(json, this::field);
      if (content != null) {
        inline.put(entry.seq(), decode(entry, content));
      }
      return entry;
    }

    private boolean field(String name, JsonParser json) throws IOException {
      if (!name.equals("content")) {
        return false;
      }
      if (json.currentToken() != JsonToken.VALUE_STRING) {
        throw new ProtocolException("feed entry: content must be a base64 string");
      }
      content = json.getText();
      return true;
    }

    private static byte[] decode(JournalEntry entry, String base64) throws ProtocolException {
      String which = "feed entry " + entry.seq() + " (" + entry.path() + "): ";
      if (entry.op() != JournalEntry.Op.PUT) {
        throw new ProtocolException(which + "a delete carries no content");
      }
      String tooLarge = which + "inline content over the limit of " + INLINE_FILE_MAX + " bytes";
      if (base64.length() > MAX_BASE64_CHARS) {
        throw new ProtocolException(tooLarge); // without decoding it
      }
      byte[] content;
      try {
        content = Base64.getDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        throw new ProtocolException(which + "content is not base64: " + e.getMessage());
      }
      if (content.length > INLINE_FILE_MAX) {
        throw new ProtocolException(tooLarge);
      }
      return content;
    }
  }
}
