package io.metamirror.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON reader for bodies a publisher sends (the origin's batch and Composer APIs, and the
 * CLI checking the same documents before it sends them). Its limits are explicit, so a hostile body
 * is refused by the parser, cheaply, before anything acts on it:
 *
 * <pre>
 *   nesting deeper than 64           refused   (a Composer document needs about 6)
 *   a string over 1 MiB              refused   (base64 content streamed by readBinaryValue is exempt)
 *   a field name over 1024 chars     refused
 *   a number over 100 digits         refused
 *   a document over 64 MiB           refused   (the origin's request body limit)
 *   a field given twice              refused   (which one would win is a guess)
 *   anything after the value         refused   (readTree; streaming callers check it themselves)
 * </pre>
 *
 * Share {@link #MAPPER} or {@link #FACTORY}; never build another reader for such input. Checks of
 * what was read stop after {@value #MAX_PROBLEMS} problems, so that a huge array of wrong items
 * costs no more than a short one.
 */
public final class UntrustedJson {
  public static final int MAX_PROBLEMS = 100;

  public static final int MAX_DEPTH = 64;
  public static final int MAX_STRING_CHARS = 1 << 20;
  public static final int MAX_NAME_CHARS = 1024;
  public static final int MAX_NUMBER_CHARS = 100;
  public static final long MAX_DOCUMENT_BYTES = 64L << 20;

  public static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxStringLength(MAX_STRING_CHARS)
                  .maxNameLength(MAX_NAME_CHARS)
                  .maxNumberLength(MAX_NUMBER_CHARS)
                  .maxDocumentLength(MAX_DOCUMENT_BYTES)
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  public static final JsonMapper MAPPER =
      JsonMapper.builder(FACTORY).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private UntrustedJson() {}

  /**
   * A publisher's string as a one-line message may show it: in double quotes, control characters as
   * {@code \\u001b}, cut after 120 characters with {@code …}.
   */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    int limit = Math.min(text.length(), 120);
    for (int i = 0; i < limit; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (text.length() > limit) {
      out.append("…");
    }
    return out.append('"').toString();
  }

  /** Which of the limits above a body broke, in this class's words rather than the parser's. */
  private static String limitExceeded(String parserMessage) {
    String m = parserMessage == null ? "" : parserMessage.toLowerCase(java.util.Locale.ROOT);
    if (m.contains("nesting depth")) {
      return "nesting depth over the limit of " + MAX_DEPTH + " levels";
    }
    if (m.contains("string value length")) {
      return "string value length over the limit of " + MAX_STRING_CHARS + " characters";
    }
    if (m.contains("name length")) {
      return "field name length over the limit of " + MAX_NAME_CHARS + " characters";
    }
    if (m.contains("number value length")) {
      return "number value length over the limit of " + MAX_NUMBER_CHARS + " characters";
    }
    if (m.contains("document length")) {
      return "document length over the limit of " + MAX_DOCUMENT_BYTES + " bytes";
    }
    return "over a limit of this reader (depth, string, name, number or document length)";
  }

  /**
   * Where and what, on one line, to follow "malformed JSON" or the like: {@code " at line 1, column
   * 9: Unexpected end-of-input"}, or {@code ": Document nesting depth (65) exceeds the maximum
   * allowed (64, ...)"} when the parser gave no place (its limits do not).
   */
  public static String reason(JsonProcessingException e) {
    if (e instanceof StreamConstraintsException) {
      return ": " + limitExceeded(e.getOriginalMessage());
    }
    JsonLocation at = e.getLocation();
    String message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
    String firstLine = message.lines().findFirst().orElse("").strip();
    return at == null || at.getLineNr() < 0
        ? ": " + firstLine
        : " at line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + firstLine;
  }
}
