package io.metamirror.bench.harness;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * One number from a small JSON object (an origin's health, a publish answer, a store's cursor),
 * read with the streaming parser: no object tree for what a benchmark polls thousands of times.
 */
public final class JsonFields {
  public static final JsonFactory JSON = new JsonFactory();

  private JsonFields() {}

  /** The top-level field {@code name} of a JSON object, when it is there. */
  public static OptionalLong topLevelLong(byte[] json, String name) throws IOException {
    try (JsonParser in = JSON.createParser(json)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        return OptionalLong.empty();
      }
      for (JsonToken t = in.nextToken(); t == JsonToken.FIELD_NAME; t = in.nextToken()) {
        String field = in.currentName();
        in.nextToken();
        if (field.equals(name)) {
          return OptionalLong.of(in.getLongValue());
        }
        in.skipChildren();
      }
    }
    return OptionalLong.empty();
  }

  /**
   * The seq of a store's cursor ({@code STORE/.metamirror/cursor}), or -1 while there is none or it
   * cannot be read (the agent replaces it by rename; a reader may catch neither).
   */
  public static long cursorSeq(Path store) {
    Path file = store.resolve(".metamirror/cursor");
    try {
      return Files.exists(file) ? topLevelLong(Files.readAllBytes(file), "seq").orElse(-1) : -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
