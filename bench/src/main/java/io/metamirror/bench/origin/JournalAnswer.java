package io.metamirror.bench.origin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.JsonFields;
import java.io.IOException;

/**
 * An origin answer made of a head and journal entries, {@code {"head":N,"entries":[{…},…]}}: a feed
 * page, and the answer to a batch publish. Read with the streaming parser, entry by entry, so that
 * checking 100,000 entries costs the client little beside the server it measures.
 */
final class JournalAnswer {
  /** Sees one entry; the parser is at its {@code START_OBJECT} and must be left at its end. */
  interface EntryVisitor {
    void visit(JsonParser entry) throws IOException;
  }

  private JournalAnswer() {}

  /** Visits every entry of {@code body} in order; returns the head, -1 when there is none. */
  static long read(byte[] body, String what, EntryVisitor visitor) throws IOException {
    long head = -1;
    try (JsonParser in = JsonFields.JSON.createParser(body)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        throw new BenchFailure(what + " is not a JSON object");
      }
      for (JsonToken t = in.nextToken(); t == JsonToken.FIELD_NAME; t = in.nextToken()) {
        String field = in.currentName();
        JsonToken value = in.nextToken();
        if (field.equals("head")) {
          head = in.getLongValue();
        } else if (field.equals("entries") && value == JsonToken.START_ARRAY) {
          while (in.nextToken() == JsonToken.START_OBJECT) {
            visitor.visit(in);
          }
        } else {
          in.skipChildren();
        }
      }
    }
    return head;
  }
}
