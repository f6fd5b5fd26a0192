package io.metamirror.mirror.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.protocol.AtomicFile;
import io.metamirror.protocol.BadPathException;
import io.metamirror.protocol.ContentPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where the {@link StoreScrub} is, so that a restart resumes its pass instead of starting over and
 * does not start a new one before the period is up: {@code STORE/.metamirror/scrub}, replaced whole
 * ({@link AtomicFile}, without fsync: a crash costs at most re-reading what the last write did not
 * record).
 *
 * <pre>
 * {"format":1,"passStartedMs":1765000000000,"after":"p2/acme/widget.json","completedMs":1764913600000}
 * </pre>
 *
 * {@code passStartedMs}: when the pass under way began, or when the next one is due; {@code after}:
 * the last path the pass checked, in path order (absent: none yet); {@code completedMs}: when the
 * last whole pass ended (absent: never). A file that cannot be read as this is logged and ignored:
 * the scrub starts over.
 *
 * @param after null before the pass has checked a file
 * @param completedMillis 0 when no pass has completed
 */
record ScrubState(long passStartedMillis, ContentPath after, long completedMillis) {
  static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The state in {@code file}, or null when there is none. */
  static ScrubState read(Path file) throws IOException {
    JsonNode node;
    try {
      node = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new IOException("not valid JSON: " + e.getMessage(), e);
    }
    if (node == null || node.path("format").asInt(-1) != FORMAT) {
      throw new IOException(
          "format "
              + (node == null ? "none" : node.path("format"))
              + "; this metamirror reads format "
              + FORMAT);
    }
    long started = node.path("passStartedMs").asLong(-1);
    long completed = node.path("completedMs").asLong(0);
    if (started < 0 || completed < 0) {
      throw new IOException("passStartedMs or completedMs missing or negative");
    }
    try {
      JsonNode after = node.get("after");
      return new ScrubState(
          started, after == null ? null : ContentPath.parse(after.asText()), completed);
    } catch (BadPathException e) {
      throw new IOException("after: " + e.getMessage(), e);
    }
  }

  void write(Path file) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put("format", FORMAT);
    node.put("passStartedMs", passStartedMillis);
    if (after != null) {
      node.put("after", after.value());
    }
    if (completedMillis > 0) {
      node.put("completedMs", completedMillis);
    }
    AtomicFile.at(file).withoutFsync().write(JSON.writeValueAsBytes(node));
  }

  /** The same pass, having checked {@code path}. */
  ScrubState checked(ContentPath path) {
    return new ScrubState(passStartedMillis, path, completedMillis);
  }
}
