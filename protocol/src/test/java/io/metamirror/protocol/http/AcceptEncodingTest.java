package io.metamirror.protocol.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AcceptEncodingTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gzip",
        "GZIP",
        "gzip, deflate, br",
        "br,gzip",
        "deflate ,\tgzip",
        "gzip;q=1",
        "gzip;q=1.000",
        "gzip;q=0.001",
        "gzip; q=0.5",
        "gzip ;Q=0.5",
        "br;q=1.0, gzip;q=0.8",
        "*",
        "*;q=0.1",
        "br, *"
      })
  void allowsGzip(String field) {
    assertTrue(AcceptEncoding.allowsGzip(field), field);
    assertTrue(AcceptEncoding.allowsGzip(List.of(field)), field);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "identity",
        "br, deflate",
        "gzipx",
        "x-gzip2",
        "gzip;q=0",
        "gzip;q=0.0",
        "gzip;q=0.000",
        "GZIP; Q=0",
        "*;q=0",
        "gzip;q=0, *",
        "*, gzip;q=0",
        "gzip;q=high",
        "gzip;q=1.5",
        "gzip;q=0.0001",
        "br;q=0.9, gzip;q=0"
      })
  void refusesGzip(String field) {
    assertFalse(AcceptEncoding.allowsGzip(field), field);
    assertFalse(AcceptEncoding.allowsGzip(List.of(field)), field);
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
