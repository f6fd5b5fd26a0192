package io.metamirror.origin.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.metamirror.origin.repository.Change;
import io.metamirror.origin.repository.DigestMismatchException;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.StagedBlob;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import io.metamirror.protocol.UntrustedJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the body of {@code POST /.metamirror/api/batch}, streaming each file's base64 content
 * straight into the blob store:
 *
 * <pre>
 * {"changes":[
 *   {"op":"put","path":"p2/acme/widget.json","content":"eyJwYWNrYWdlcyI6e319","sha256":"…optional…"},
 *   {"op":"delete","path":"p2/acme/old.json"}]}
 * </pre>
 *
 * Every problem is collected (up to {@link UntrustedJson#MAX_PROBLEMS}, where the reading stops) so
 * that one 400 lists them all; a syntax error or a body beyond {@link UntrustedJson}'s limits
 * (nesting, string length, size) stops the reading. Whatever the outcome, content staged for a
 * rejected batch is discarded.
 */
final class BatchParser {
  /** The outcome: either changes to publish, or problems (and whether a hash was wrong). */
  record Result(List<Change> changes, List<String> problems, boolean digestMismatch) {}

  private final OriginRepository repository;

  BatchParser(OriginRepository repository) {
    this.repository = repository;
  }

  Result parse(InputStream body) throws IOException {
    List<Change> changes = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    boolean digestMismatch = false;
    try (JsonParser in = UntrustedJson.FACTORY.createParser(body)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        problems.add("the body must be a JSON object with a \"changes\" array");
        return rejected(changes, problems, false);
      }
      boolean sawChanges = false;
      for (JsonToken t = in.nextToken(); t != JsonToken.END_OBJECT; t = in.nextToken()) {
        String field = in.currentName();
        JsonToken value = in.nextToken();
        if (!field.equals("changes")) {
          problems.add("unknown field \"" + field + "\"");
          in.skipChildren();
          continue;
        }
        sawChanges = true;
        if (value != JsonToken.START_ARRAY) {
          problems.add("\"changes\" must be an array");
          in.skipChildren();
          continue;
        }
        Set<ContentPath> paths = new HashSet<>();
        int index = 0;
        for (JsonToken item = in.nextToken(); item != JsonToken.END_ARRAY; item = in.nextToken()) {
          if (problems.size() >= UntrustedJson.MAX_PROBLEMS) {
            problems.add("stopped reading after " + UntrustedJson.MAX_PROBLEMS + " problems");
            return rejected(changes, problems, digestMismatch);
          }
          String where = "changes[" + index++ + "]";
          if (item != JsonToken.START_OBJECT) {
            problems.add(where + ": must be an object");
            in.skipChildren();
            continue;
          }
          digestMismatch |= readChange(in, where, changes, problems, paths);
        }
        if (index == 0) {
          problems.add("\"changes\" is empty");
        }
      }
      if (!sawChanges) {
        problems.add("missing \"changes\"");
      }
      if (in.nextToken() != null) {
        problems.add("unexpected data after the JSON object");
      }
    } catch (JsonProcessingException e) {
      problems.add("malformed JSON" + UntrustedJson.reason(e));
    } catch (IOException | RuntimeException e) {
      repository.discard(changes);
      throw e;
    }
    if (!problems.isEmpty()) {
      return rejected(changes, problems, digestMismatch);
    }
    return new Result(changes, List.of(), false);
  }

  private Result rejected(List<Change> changes, List<String> problems, boolean digestMismatch) {
    repository.discard(changes);
    return new Result(List.of(), List.copyOf(problems), digestMismatch);
  }

  /** Reads one change object; returns true when its content did not match its sha256. */
  private boolean readChange(
      JsonParser in,
      String where,
      List<Change> changes,
      List<String> problems,
      Set<ContentPath> paths)
      throws IOException {
    String op = null;
    String path = null;
    String sha256 = null;
    StagedBlob content = null;
    int problemsBefore = problems.size();
    try {
      for (JsonToken t = in.nextToken(); t != JsonToken.END_OBJECT; t = in.nextToken()) {
        String field = in.currentName();
        JsonToken value = in.nextToken();
        switch (field) {
          case "op", "path", "sha256" -> {
            if (value != JsonToken.VALUE_STRING) {
              problems.add(where + "." + field + ": must be a string");
              in.skipChildren();
            } else if (field.equals("op")) {
              op = in.getText();
            } else if (field.equals("path")) {
              path = in.getText();
            } else {
              sha256 = in.getText();
            }
          }
          case "content" -> {
            if (value != JsonToken.VALUE_STRING) {
              problems.add(where + ".content: must be a base64 string");
              in.skipChildren();
            } else if (content != null) {
              problems.add(where + ".content: given twice");
            } else {
              try {
                content = repository.stage(in::readBinaryValue, null);
              } catch (JsonParseException e) {
                if (!e.getOriginalMessage().toLowerCase().contains("base64")) {
                  throw e;
                }
                problems.add(where + ".content: not valid base64: " + e.getOriginalMessage());
              } catch (IllegalArgumentException e) {
                // Jackson reports an illegal base64 character as an IllegalArgumentException,
                // not a JsonParseException (ParserBase.reportInvalidBase64Char).
                if (e.getMessage() == null || !e.getMessage().contains("base64")) {
                  throw e;
                }
                problems.add(where + ".content: not valid base64: " + e.getMessage());
              }
            }
          }
          default -> {
            problems.add(where + ": unknown field \"" + field + "\"");
            in.skipChildren();
          }
        }
      }
      ContentPath parsed = null;
      if (path == null) {
        problems.add(where + ".path: missing");
      } else {
        String problem = ContentPath.problem(path);
        if (problem != null) {
          problems.add(where + ".path: " + problem);
        } else {
          parsed = ContentPath.parse(path);
          if (!paths.add(parsed)) {
            problems.add(where + ".path: " + path + " appears more than once in the batch");
          }
        }
      }
      Sha256 expected = null;
      if (sha256 != null) {
        try {
          expected = Sha256.parse(sha256);
        } catch (IllegalArgumentException e) {
          problems.add(where + ".sha256: " + e.getMessage());
        }
      }
      boolean mismatch = false;
      if ("put".equals(op)) {
        if (content == null && problems.size() == problemsBefore) {
          problems.add(where + ".content: a put needs content");
        }
        if (content != null && expected != null && !expected.equals(content.sha256())) {
          problems.add(
              where + ": " + new DigestMismatchException(expected, content.sha256()).getMessage());
          mismatch = true;
        }
      } else if ("delete".equals(op)) {
        if (content != null || sha256 != null) {
          problems.add(where + ": a delete takes no content and no sha256");
        }
      } else {
        problems.add(
            where
                + ".op: must be \"put\" or \"delete\", not "
                + (op == null ? "missing" : "\"" + op + "\""));
      }
      if (problems.size() == problemsBefore) {
        changes.add("put".equals(op) ? Change.put(parsed, content) : Change.delete(parsed));
        content = null;
      }
      return mismatch;
    } finally {
      if (content != null) {
        repository.discardBlobs(List.of(content));
      }
    }
  }
}
