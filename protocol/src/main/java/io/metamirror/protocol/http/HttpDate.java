package io.metamirror.protocol.http;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * HTTP-date (RFC 9110 §5.6.7), whole seconds in GMT. Written only as IMF-fixdate, {@code Sun, 06
 * Nov 1994 08:49:37 GMT}; read in all three forms a recipient must accept: IMF-fixdate, and the
 * obsolete {@code Sunday, 06-Nov-94 08:49:37 GMT} (RFC 850) and {@code Sun Nov 6 08:49:37 1994}
 * (asctime).
 */
public final class HttpDate {
  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
  private static final int IMF_FIXDATE_LENGTH = "Sun, 06 Nov 1994 08:49:37 GMT".length();

  /**
   * RFC 850's two-digit year: RFC 9110 reads one more than 50 years ahead as the past century. A
   * fixed pivot keeps this a pure function; nobody has sent this form for decades.
   */
  private static final DateTimeFormatter RFC_850 =
      new DateTimeFormatterBuilder()
          .appendPattern("EEEE, dd-MMM-")
          .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
          .appendPattern(" HH:mm:ss 'GMT'")
          .toFormatter(Locale.US);

  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

  private HttpDate() {}

  /** IMF-fixdate of {@code time}, truncated to the second. */
  public static String format(Instant time) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(time.getEpochSecond(), 0, ZoneOffset.UTC);
    StringBuilder out = new StringBuilder(IMF_FIXDATE_LENGTH);
    out.append(DAYS[t.getDayOfWeek().ordinal()]).append(", ");
    twoDigits(out, t.getDayOfMonth()).append(' ');
    int month = t.getMonthValue() - 1;
    out.append(MONTHS, month * 3, month * 3 + 3).append(' ');
    out.append(t.getYear()).append(' ');
    twoDigits(out, t.getHour()).append(':');
    twoDigits(out, t.getMinute()).append(':');
    twoDigits(out, t.getSecond()).append(" GMT");
    return out.toString();
  }

  /**
   * The time an HTTP-date names, or null when {@code value} is null or not an HTTP-date. Anything
   * from a {@code ;} on is ignored: Internet Explorer 9 sent {@code If-Modified-Since: <date>;
   * length=<n>}.
   */
  public static Instant parse(String value) {
    if (value == null) {
      return null;
    }
    int semicolon = value.indexOf(';');
    String date = (semicolon < 0 ? value : value.substring(0, semicolon)).trim();
    if (date.length() == IMF_FIXDATE_LENGTH) {
      Instant fixdate = parseImfFixdate(date);
      if (fixdate != null) {
        return fixdate;
      }
    }
    for (DateTimeFormatter obsolete : new DateTimeFormatter[] {RFC_850, ASCTIME}) {
      try {
        return LocalDateTime.parse(date, obsolete).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        // try the next form
      }
    }
    return null;
  }

  /**
   * IMF-fixdate by position, without a formatter: clients send it back verbatim on every
   * revalidation, so this runs once per conditional request. The day name is not checked against
   * the date, as a lenient parser would not.
   */
  private static Instant parseImfFixdate(String s) {
    if (s.charAt(3) != ','
        || s.charAt(4) != ' '
        || s.charAt(7) != ' '
        || s.charAt(11) != ' '
        || s.charAt(16) != ' '
        || s.charAt(19) != ':'
        || s.charAt(22) != ':'
        || !s.endsWith(" GMT")) {
      return null;
    }
    int month = MONTHS.indexOf(s.substring(8, 11));
    int day = digits(s, 5, 7);
    int year = digits(s, 12, 16);
    int hour = digits(s, 17, 19);
    int minute = digits(s, 20, 22);
    int second = digits(s, 23, 25);
    if (month < 0 || month % 3 != 0 || (day | year | hour | minute | second) < 0) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month / 3 + 1, day, hour, minute, second)
          .toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null; // 31 Feb, hour 25
    }
  }

  /** The decimal number in {@code s[from..to)}, or -1 when a character is not a digit. */
  private static int digits(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private static StringBuilder twoDigits(StringBuilder out, int n) {
    return out.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
  }
}
