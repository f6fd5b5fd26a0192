package io.metamirror.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * One change to the served tree, numbered by {@code seq} (1, 2, 3, … with no gaps).
 *
 * <p>The JSON form is the same in the origin's journal and in feed pages:
 *
 * <pre>
 * {"seq":7,"op":"put","path":"p2/acme/widget.json","sha256":"2c26b4…e7ae","size":812,"time":1763791335123}
 * {"seq":8,"op":"delete","path":"p2/acme/old.json","time":1763791335123}
 * </pre>
 *
 * {@code time} is the publish time in milliseconds since 1970-01-01T00:00:00Z; every node stamps
 * the file with it, so {@code Last-Modified} is the same across the fleet. A delete has no {@code
 * sha256} and no {@code size}.
 */
public record JournalEntry(long seq, Op op, ContentPath path, Sha256 sha256, long size, long time) {
  public static final JsonFactory JSON = JsonFactory.builder().build();

  public enum Op {
    PUT("put"),
    DELETE("delete");

    private final String wire;

    Op(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    public static Op fromWire(String s) {
      for (Op op : values()) {
        if (op.wire.equals(s)) {
          return op;
        }
      }
      return null;
    }
  }

  public JournalEntry {
    if (seq < 1) {
      throw new IllegalArgumentException("seq < 1: " + seq);
    }
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(path, "path");
    if (op == Op.PUT) {
      Objects.requireNonNull(sha256, "sha256 of a put");
      if (size < 0) {
        throw new IllegalArgumentException("size < 0: " + size);
      }
    } else if (sha256 != null || size != 0) {
      throw new IllegalArgumentException("a delete has no sha256 and no size: " + path);
    }
  }

  public static JournalEntry put(long seq, ContentPath path, Sha256 sha256, long size, long time) {
    return new JournalEntry(seq, Op.PUT, path, sha256, size, time);
  }

  public static JournalEntry delete(long seq, ContentPath path, long time) {
    return new JournalEntry(seq, Op.DELETE, path, null, 0, time);
  }

  public void writeJson(JsonGenerator out) throws IOException {
    out.writeStartObject();
    out.writeNumberField("seq", seq);
    out.writeStringField("op", op.wire());
    out.writeStringField("path", path.value());
    if (op == Op.PUT) {
      out.writeStringField("sha256", sha256.hex());
      out.writeNumberField("size", size);
    }
    out.writeNumberField("time", time);
    out.writeEndObject();
  }

  /** The JSON form as UTF-8 bytes, with no line break inside. */
  public byte[] toJson() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
    try (JsonGenerator out = JSON.createGenerator(bytes)) {
      writeJson(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static JournalEntry parse(byte[] json) throws ProtocolException {
    try (JsonParser in = JSON.createParser(json)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        throw new ProtocolException("journal entry is not a JSON object");
      }
      JournalEntry entry = read(in);
      if (in.nextToken() != null) {
        throw new ProtocolException("trailing data after journal entry");
      }
      return entry;
    } catch (ProtocolException e) {
      throw e;
    } catch (IOException e) {
      throw new ProtocolException("journal entry is not valid JSON: " + e.getMessage(), e);
    }
  }

  /** A field {@link #read(JsonParser, ExtraField)} does not know, offered to its caller. */
  @FunctionalInterface
  public interface ExtraField {
    /**
     * Reads the field's value, the parser on it, and returns true; or returns false, and it is
     * skipped.
     */
    boolean read(String name, JsonParser in) throws IOException;
  }

  /**
   * Reads one entry; the parser is on the entry's START_OBJECT and is left on its END_OBJECT.
   * Unknown fields are ignored so that later versions may add some.
   */
  public static JournalEntry read(JsonParser in) throws IOException {
    return read(in, (name, parser) -> false);
  }

  /** As {@link #read(JsonParser)}, offering each unknown field to {@code extra} first. */
  public static JournalEntry read(JsonParser in, ExtraField extra) throws IOException {
    long seq = -1;
    long size = -1;
    long time = Long.MIN_VALUE;
    String op = null;
    String path = null;
    String sha256 = null;
    for (JsonToken t = in.nextToken(); t != JsonToken.END_OBJECT; t = in.nextToken()) {
      if (t != JsonToken.FIELD_NAME) {
        throw new ProtocolException("journal entry: expected a field name at " + location(in));
      }
      String field = in.currentName();
      JsonToken value = in.nextToken();
      switch (field) {
        case "seq" -> seq = longValue(in, value, field);
        case "size" -> size = longValue(in, value, field);
        case "time" -> time = longValue(in, value, field);
        case "op" -> op = stringValue(in, value, field);
        case "path" -> path = stringValue(in, value, field);
        case "sha256" -> sha256 = stringValue(in, value, field);
        default -> {
          if (!extra.read(field, in)) {
            in.skipChildren();
          }
        }
      }
    }
    Op parsedOp = Op.fromWire(op);
    if (seq < 1) {
      throw new ProtocolException("journal entry: missing or invalid seq");
    }
    if (parsedOp == null) {
      throw new ProtocolException("journal entry " + seq + ": op must be put or delete: " + op);
    }
    if (time == Long.MIN_VALUE) {
      throw new ProtocolException("journal entry " + seq + ": missing time");
    }
    try {
      ContentPath contentPath = ContentPath.parse(path);
      if (parsedOp == Op.DELETE) {
        return delete(seq, contentPath, time);
      }
      if (sha256 == null || size < 0) {
        throw new ProtocolException("journal entry " + seq + ": a put needs sha256 and size");
      }
      return put(seq, contentPath, Sha256.parse(sha256), size, time);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("journal entry " + seq + ": " + e.getMessage(), e);
    }
  }

  private static long longValue(JsonParser in, JsonToken value, String field) throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      throw new ProtocolException("journal entry: " + field + " must be an integer");
    }
    return in.getLongValue();
  }

  private static String stringValue(JsonParser in, JsonToken value, String field)
      throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      throw new ProtocolException("journal entry: " + field + " must be a string");
    }
    return in.getText();
  }

  private static String location(JsonParser in) {
    return "column " + in.currentLocation().getColumnNr();
  }
}
