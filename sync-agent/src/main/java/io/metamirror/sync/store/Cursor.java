package io.metamirror.sync.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.protocol.AtomicFile;
import io.metamirror.protocol.Epoch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How far a store has applied the origin's journal: {@code STORE/.metamirror/cursor}, replaced
 * whole ({@link AtomicFile}), so it is always a whole old or a whole new cursor.
 *
 * <pre>
 * {"format":1,"epoch":"9f86d081884c7d659a2feaa0c55ad015","seq":1200}
 * </pre>
 *
 * Every entry up to {@code seq} is in the store; entries after it may be too (files newer). An
 * empty store has no cursor file and reads as {@link #EMPTY}.
 */
public record Cursor(Epoch epoch, long seq) {
  public static final int FORMAT = 1;
  public static final Cursor EMPTY = new Cursor(null, 0);
  private static final ObjectMapper JSON = new ObjectMapper();

  static Cursor read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return EMPTY;
    }
    JsonNode node;
    try {
      node = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new StoreCorruptException("cursor " + file + " is not valid JSON: " + e.getMessage());
    }
    if (node == null || node.path("format").asInt(-1) != FORMAT) {
      throw new StoreCorruptException(
          "cursor "
              + file
              + " has format "
              + (node == null ? "none" : node.path("format"))
              + "; this metamirror reads format "
              + FORMAT);
    }
    try {
      return new Cursor(new Epoch(node.path("epoch").asText()), node.path("seq").asLong(-1));
    } catch (IllegalArgumentException e) {
      throw new StoreCorruptException("cursor " + file + ": " + e.getMessage());
    }
  }

  void write(Path file) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put("format", FORMAT);
    node.put("epoch", epoch.value());
    node.put("seq", seq);
    AtomicFile.at(file).write(JSON.writeValueAsBytes(node));
  }
}
