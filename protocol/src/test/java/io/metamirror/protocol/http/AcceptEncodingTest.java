package io.metamirror.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceptEncodingTest {

  /** One Accept-Encoding field and whether it allows gzip, given as one line or as a list. */
  @ParameterizedTest(name = "[{0}] allows gzip: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "gzip                   | true",
        "GZIP                   | true",
        "gzip, deflate, br      | true",
        "br,gzip                | true",
        "'deflate ,\tgzip'      | true",
        "gzip;q=1               | true",
        "gzip;q=1.000           | true",
        "gzip;q=0.001           | true",
        "gzip; q=0.5            | true",
        "gzip ;Q=0.5            | true",
        "br;q=1.0, gzip;q=0.8   | true",
        "*                      | true",
        "*;q=0.1                | true",
        "br, *                  | true",
        "''                     | false",
        "identity               | false",
        "br, deflate            | false",
        "gzipx                  | false",
        "x-gzip2                | false",
        "gzip;q=0               | false",
        "gzip;q=0.0             | false",
        "gzip;q=0.000           | false",
        "GZIP; Q=0              | false",
        "*;q=0                  | false",
        "gzip;q=0, *            | false",
        "*, gzip;q=0            | false",
        "gzip;q=high            | false",
        "gzip;q=1.5             | false",
        "gzip;q=0.0001          | false",
        "br;q=0.9, gzip;q=0     | false"
      })
  void decidesByTheGzipEntryElseByStar(String field, boolean allowed) {
    assertEquals(allowed, AcceptEncoding.allowsGzip(field), field);
    assertEquals(allowed, AcceptEncoding.allowsGzip(List.of(field)), field);
  }

  @Test
  void noFieldRefusesGzip() {
    assertFalse(AcceptEncoding.allowsGzip((String) null));
    assertFalse(AcceptEncoding.allowsGzip((Iterable<String>) null));
    assertFalse(AcceptEncoding.allowsGzip(List.of()));
  }

  @Test
  void severalFieldLinesAreOneList() {
    assertTrue(AcceptEncoding.allowsGzip(List.of("br", "gzip")));
    assertTrue(AcceptEncoding.allowsGzip(List.of("br", "*")));
    assertFalse(AcceptEncoding.allowsGzip(List.of("*", "gzip;q=0")));
    assertFalse(AcceptEncoding.allowsGzip(Arrays.asList("gzip;q=0", "gzip")), "first mention");
  }
}
