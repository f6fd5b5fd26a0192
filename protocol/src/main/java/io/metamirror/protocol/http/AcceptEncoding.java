package io.metamirror.protocol.http;

/**
 * Whether a request's {@code Accept-Encoding} allows a gzip-encoded answer (RFC 9110 §12.5.3).
 *
 * <ul>
 *   <li>{@code gzip} listed with a weight above 0 (none means 1): yes; {@code gzip;q=0}: no, even
 *       when {@code *} is listed too, because a coding listed by name is not one {@code *} stands
 *       for.
 *   <li>{@code gzip} not listed: {@code *} with a weight above 0 allows it.
 *   <li>No field: no. The RFC would allow any coding, but clients that send no field are scripts
 *       and probes that expect the bytes as stored, which are always acceptable.
 *   <li>A weight that is not a qvalue ({@code q=high}) counts as 0: when in doubt, the bytes as
 *       stored.
 * </ul>
 *
 * Several field lines are one comma-separated list (RFC 9110 §5.3).
 */
public final class AcceptEncoding {
  /** What {@link #weight} returns for a token the list does not name. */
  static final int NOT_LISTED = -1;

  private AcceptEncoding() {}

  /** As {@link #allowsGzip(Iterable)} for a request with one field line, or none (null). */
  public static boolean allowsGzip(String field) {
    if (field == null) {
      return false;
    }
    int gzip = weight(field, "gzip");
    return gzip != NOT_LISTED ? gzip > 0 : weight(field, "*") > 0;
  }

  /** Whether the field lines ({@code null} or empty: no field) allow gzip. */
  public static boolean allowsGzip(Iterable<String> fieldLines) {
    if (fieldLines == null) {
      return false;
    }
    int any = NOT_LISTED;
    for (String line : fieldLines) {
      int gzip = weight(line, "gzip");
      if (gzip != NOT_LISTED) {
        return gzip > 0;
      }
      if (any == NOT_LISTED) {
        any = weight(line, "*");
      }
    }
    return any > 0;
  }

  /**
   * The weight in thousandths (0..1000) the list {@code field} gives {@code coding} at its first
   * mention, or {@link #NOT_LISTED}; compared ignoring case. Allocates nothing: mirrors run it on
   * every request. {@link DirectoryIndex} reads {@code Accept} with it too: a media range is a
   * token here, and its parameters other than {@code q} are skipped.
   */
  static int weight(String field, String coding) {
    int n = field.length();
    int i = 0;
    while (i < n) {
      while (i < n && isSeparator(field.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isSeparator(field.charAt(i)) && field.charAt(i) != ';') {
        i++;
      }
      boolean named =
          i - start == coding.length() && field.regionMatches(true, start, coding, 0, i - start);
      int weight = 1000;
      while (i < n && field.charAt(i) != ',') {
        if (field.charAt(i) != ';') {
          i++; // whitespace before a parameter, or junk after a token
          continue;
        }
        i = skipWhitespace(field, i + 1);
        int name = i;
        while (i < n
            && field.charAt(i) != '='
            && field.charAt(i) != ';'
            && !isSeparator(field.charAt(i))) {
          i++;
        }
        boolean q = i - name == 1 && (field.charAt(name) == 'q' || field.charAt(name) == 'Q');
        if (i < n && field.charAt(i) == '=') {
          int value = i + 1;
          i = value;
          while (i < n && field.charAt(i) != ';' && !isSeparator(field.charAt(i))) {
            i++;
          }
          if (q) {
            weight = qvalue(field, value, i);
          }
        }
      }
      if (named) {
        return weight;
      }
    }
    return NOT_LISTED;
  }

  /**
   * {@code field[from..to)} as a qvalue in thousandths: {@code 0}, {@code 0.5}, {@code 1.000}; 0
   * when it is not one.
   */
  private static int qvalue(String field, int from, int to) {
    if (from == to || to - from > 5 || (from + 1 < to && field.charAt(from + 1) != '.')) {
      return 0;
    }
    char whole = field.charAt(from);
    if (whole != '0' && whole != '1') {
      return 0;
    }
    int value = (whole - '0') * 1000;
    int scale = 100;
    for (int i = from + 2; i < to; i++, scale /= 10) {
      char c = field.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
      value += (c - '0') * scale;
    }
    return value > 1000 ? 0 : value;
  }

  private static boolean isSeparator(char c) {
    return c == ',' || c == ' ' || c == '\t';
  }

  private static int skipWhitespace(String field, int i) {
    while (i < field.length() && (field.charAt(i) == ' ' || field.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }
}
