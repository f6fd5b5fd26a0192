package io.metamirror.mirror.node;

import io.metamirror.protocol.BadPathException;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.http.DirectoryIndex;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The request target as a {@link ContentPath}, judged on the target exactly as the client sent it,
 * in the same way on HTTP/1.1 and HTTP/2. Undertow neither decodes the target nor refuses bytes in
 * it ({@link MirrorServer} turns both off) because on HTTP/2 it does both before any handler runs
 * and fails badly: a byte outside RFC 3986's set resets the stream, and a bad percent escape closes
 * the whole connection with every other request on it. Here each is a 400 naming the rule:
 *
 * <ul>
 *   <li>only the characters RFC 3986 allows in a path and a query, raw; {@code %} followed by two
 *       hex digits
 *   <li>no encoded separators ({@code %2F}, {@code %5C}), no raw {@code ;} (path parameters)
 *   <li>the path, percent-decoded once, is UTF-8
 *   <li>then the path rules of {@link ContentPath}; a target with a trailing slash names a
 *       directory, whose path obeys them as well ({@link DirectoryIndex})
 * </ul>
 */
final class MirrorPaths {
  /**
   * By ASCII code: RFC 3986's unreserved characters and sub-delims, {@code :}, {@code @}, and the
   * separators of a target. A table, since every request is checked.
   */
  private static final boolean[] ALLOWED = new boolean[128];

  static {
    String allowed =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?";
    for (int i = 0; i < allowed.length(); i++) {
      ALLOWED[allowed.charAt(i)] = true;
    }
  }

  private MirrorPaths() {}

  static ContentPath of(HttpServerExchange exchange) {
    return ContentPath.parse(decodedPath(exchange));
  }

  /**
   * The request for a directory's index when the target names a directory ({@code
   * /simple/demo-pkg/}), judged by the same rules; null when it names a file.
   */
  static DirectoryIndex directoryIndex(HttpServerExchange exchange) {
    if (!DirectoryIndex.isDirectory(exchange.getRequestPath())) {
      return null;
    }
    return DirectoryIndex.of(
        decodedPath(exchange), exchange.getRequestHeaders().get(Headers.ACCEPT));
  }

  /**
   * The path of the target, percent-decoded, without its leading slash, once the raw rules pass.
   */
  private static String decodedPath(HttpServerExchange exchange) {
    String raw = exchange.getRequestURI(); // the path as sent, absolute-form included
    String problem = rawProblem("path", raw);
    if (problem == null) {
      problem = rawProblem("query", exchange.getQueryString());
    }
    if (problem != null) {
      throw new BadPathException(problem);
    }
    if (hasEncodedSeparator(raw)) {
      throw new BadPathException("path must not contain encoded separators (%2F, %5C)");
    }
    if (raw.indexOf(';') >= 0) {
      throw new BadPathException("path must not contain a raw ';' (send it as %3B)");
    }
    String path = exchange.getRequestPath();
    if (!path.startsWith("/")) {
      throw new BadPathException("path must start with '/'");
    }
    if (path.equals("/")) {
      throw new BadPathException("path is empty");
    }
    return decode(path.substring(1));
  }

  /**
   * What is wrong with a raw path or query ({@code part}), or null: a character RFC 3986 does not
   * allow there unencoded, or a {@code %} without two hex digits.
   */
  static String rawProblem(String part, String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length() || !isHex(raw.charAt(i + 1)) || !isHex(raw.charAt(i + 2))) {
          String escape = raw.substring(i, Math.min(raw.length(), i + 3));
          return part + " has an invalid percent escape: '" + escape + "'";
        }
        i += 2;
      } else if (!allowed(c)) {
        return part
            + " must not contain "
            + describe(c)
            + " unencoded (send it percent-encoded as UTF-8)";
      }
    }
    return null;
  }

  private static boolean allowed(char c) {
    return c < ALLOWED.length && ALLOWED[c];
  }

  private static String describe(char c) {
    if (c > 0x20 && c < 0x7f) {
      return "'" + c + "'";
    }
    return c == ' ' ? "a space" : String.format("the byte 0x%02X", (int) c);
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** Percent-decodes a path that passed {@link #rawProblem} once, as strict UTF-8. */
  static String decode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteBuffer bytes = ByteBuffer.allocate(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        bytes.put((byte) Integer.parseInt(raw, i + 1, i + 3, 16));
        i += 2;
      } else {
        bytes.put((byte) c);
      }
    }
    bytes.flip();
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadPathException("path is not UTF-8 once percent-decoded");
    }
  }

  /** {@code %2F} or {@code %5C} in any case; a scan rather than lower-casing the whole URI. */
  static boolean hasEncodedSeparator(String raw) {
    for (int i = raw.indexOf('%'); i >= 0 && i + 2 < raw.length(); i = raw.indexOf('%', i + 1)) {
      char a = raw.charAt(i + 1);
      char b = raw.charAt(i + 2);
      if ((a == '2' && (b == 'f' || b == 'F')) || (a == '5' && (b == 'c' || b == 'C'))) {
        return true;
      }
    }
    return false;
  }
}
