package io.metamirror.protocol.http;

import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * The validators a GET or HEAD request carries, and the one decision they ask for: is the client's
 * copy still current (answer 304), per RFC 9110 §13.1 and §13.2.2.
 *
 * <ul>
 *   <li>{@code If-None-Match}, when present, decides alone, and {@code If-Modified-Since} is
 *       ignored (§13.1.3): a tag is more precise than a date.
 *   <li>It matches when it is {@code *} (the representation exists: the caller is answering 200) or
 *       lists the current ETag under weak comparison (§8.8.3.2), so {@code W/"x"} matches {@code
 *       "x"}. A list may hold several tags.
 *   <li>{@code If-Modified-Since} matches when the last modification is at or before the date, both
 *       in whole seconds, the granularity of an HTTP-date. A date that does not parse is ignored.
 * </ul>
 *
 * Either field may be null (not sent).
 */
public record ConditionalRequest(String ifNoneMatch, String ifModifiedSince) {

  /** The validators of a request whose header fields {@code header} looks up by name. */
  public static ConditionalRequest of(UnaryOperator<String> header) {
    return new ConditionalRequest(header.apply("If-None-Match"), header.apply("If-Modified-Since"));
  }

  /**
   * Whether the client's copy is current, given the representation's ETag and last modification
   * (either null when the representation has none).
   */
  public boolean notModified(String etag, Instant lastModified) {
    if (ifNoneMatch != null) {
      return listsMatch(ifNoneMatch, etag);
    }
    if (ifModifiedSince == null || lastModified == null) {
      return false;
    }
    Instant since = HttpDate.parse(ifModifiedSince);
    return since != null && lastModified.getEpochSecond() <= since.getEpochSecond();
  }

  /**
   * Whether the If-None-Match list {@code field} is {@code *} or names {@code etag}, comparing the
   * opaque tags only (weak comparison). Allocates nothing: mirrors run it on every revalidation.
   */
  private static boolean listsMatch(String field, String etag) {
    int n = field.length();
    int i = 0;
    while (i < n) {
      char c = field.charAt(i);
      if (c == ' ' || c == '\t' || c == ',') {
        i++;
      } else if (c == '*') {
        return true;
      } else {
        int start = field.startsWith("W/", i) ? i + 2 : i;
        int end = start < n && field.charAt(start) == '"' ? field.indexOf('"', start + 1) : -1;
        if (end < 0) {
          return false; // not an entity-tag: the rest of the list cannot be read
        }
        if (etag != null && sameOpaqueTag(field, start, end + 1, etag)) {
          return true;
        }
        i = end + 1;
      }
    }
    return false;
  }

  /** Whether {@code field[from..to)} is the opaque tag of {@code etag} (weak or strong). */
  private static boolean sameOpaqueTag(String field, int from, int to, String etag) {
    int opaque = etag.startsWith("W/") ? 2 : 0;
    int length = to - from;
    return length == etag.length() - opaque && field.regionMatches(from, etag, opaque, length);
  }
}
