package io.metamirror.protocol;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A valid path of a file in the served tree, such as {@code p2/acme/widget.json}. This class is the
 * one place that decides what is valid; everything that takes a path from the outside (HTTP
 * requests, batch bodies, directories being published, journal records) parses it here.
 *
 * <p>The rules, each with its own error message:
 *
 * <ul>
 *   <li>not empty, relative (no leading {@code /}), {@code /}-separated, at most {@value
 *       #MAX_BYTES} bytes of UTF-8;
 *   <li>no empty segment ({@code a//b}, trailing {@code /}), no {@code .} or {@code ..}, no segment
 *       starting with a dot (those are reserved for metamirror's own files and temp files, so the
 *       two namespaces never collide);
 *   <li>no backslash, no NUL or other control character, no unpaired surrogate.
 * </ul>
 *
 * <p>Percent-encoding is the HTTP layer's business: it decodes first and refuses encoded separators
 * before calling {@link #parse}.
 */
public final class ContentPath implements Comparable<ContentPath> {
  public static final int MAX_BYTES = 1024;

  private final String value;

  private ContentPath(String value) {
    this.value = value;
  }

  /** Returns the path, or throws {@link BadPathException} naming the first rule it breaks. */
  public static ContentPath parse(String path) {
    String problem = problem(path);
    if (problem != null) {
      throw new BadPathException(problem);
    }
    return new ContentPath(path);
  }

  /**
   * Returns {@code null} when the path is valid, otherwise the rule it breaks. Allocates nothing
   * for a valid path: the mirror runs it on every request.
   */
  public static String problem(String path) {
    if (path == null || path.isEmpty()) {
      return "path is empty";
    }
    if (path.charAt(0) == '/') {
      return "path must be relative (no leading '/'): " + quote(path);
    }
    int bytes = 0;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\') {
        return "path must not contain a backslash: " + quote(path);
      }
      if (c == 0) {
        return "path must not contain NUL: " + quote(path);
      }
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        return "path must not contain control characters: " + quote(path);
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < path.length() && Character.isLowSurrogate(path.charAt(i + 1))) {
          i++;
          bytes += 4;
          continue;
        }
        return "path is not valid UTF-8 (unpaired surrogate): " + quote(path);
      }
      if (Character.isLowSurrogate(c)) {
        return "path is not valid UTF-8 (unpaired surrogate): " + quote(path);
      }
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3; // the UTF-8 length, without encoding
    }
    if (bytes > MAX_BYTES) {
      return "path is longer than " + MAX_BYTES + " bytes: " + bytes + " bytes";
    }
    int start = 0;
    while (true) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? path.length() : slash;
      int length = end - start;
      if (length == 0) {
        return "path must not contain an empty segment: " + quote(path);
      }
      if (path.charAt(start) == '.') {
        if (length == 1 || (length == 2 && path.charAt(start + 1) == '.')) {
          return "path must not contain '.' or '..' segments: " + quote(path);
        }
        return "path segments must not start with '.': " + quote(path);
      }
      if (slash < 0) {
        return null;
      }
      start = slash + 1;
    }
  }

  /**
   * Resolves this path under {@code root}. The rules already exclude every way out of the root; the
   * final check is a second line of defence, on {@link Path} segments and never on strings.
   */
  public Path resolveUnder(Path root) {
    Path resolved = root.resolve(value).normalize();
    if (!resolved.startsWith(root.normalize())) {
      throw new BadPathException("path escapes the root: " + quote(value));
    }
    return resolved;
  }

  public String value() {
    return value;
  }

  /**
   * The extension of the last segment, lower-cased, without its dot: {@code "json"} for {@code
   * p2/acme/widget.JSON}; empty when the last segment has no dot.
   */
  public String extension() {
    int dot = value.lastIndexOf('.');
    return dot <= value.lastIndexOf('/') ? "" : value.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContentPath other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public int compareTo(ContentPath o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }

  private static String quote(String path) {
    return UntrustedJson.quote(path);
  }
}
