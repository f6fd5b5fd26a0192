package io.metamirror.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpDateTest {
  private static final Instant RFC_EXAMPLE = Instant.parse("1994-11-06T08:49:37Z");

  @Test
  void formatsImfFixdateTruncatedToTheSecond() {
    assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.format(RFC_EXAMPLE.plusMillis(999)));
    assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", HttpDate.format(Instant.EPOCH));
    assertEquals(
        "Sat, 29 Feb 2020 23:59:59 GMT", HttpDate.format(Instant.parse("2020-02-29T23:59:59Z")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Sun, 06 Nov 1994 08:49:37 GMT",
        " Sun, 06 Nov 1994 08:49:37 GMT ",
        "Sun, 06 Nov 1994 08:49:37 GMT; length=1234",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994"
      })
  void parsesTheThreeForms(String value) {
    assertEquals(RFC_EXAMPLE, HttpDate.parse(value));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1994-11-06T08:49:37Z",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nox 1994 08:49:37 GMT",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT",
        "Sun, 31 Feb 1994 08:49:37 GMT"
      })
  void refusesWhatIsNotAnHttpDate(String value) {
    assertNull(HttpDate.parse(value), value);
  }

  @Test
  void roundTrips() {
    Instant t = Instant.parse("2025-11-22T06:02:15Z");
    assertEquals(t, HttpDate.parse(HttpDate.format(t)));
  }
}
