package io.metamirror.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Sha256Test {
  private static final String EMPTY =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void digestOfEmptyInputIsTheWellKnownValue() throws IOException {
    assertEquals(EMPTY, Sha256.of(new byte[0]).hex());
    assertEquals(EMPTY, Sha256.of(new ByteArrayInputStream(new byte[0])).hex());
  }

  @Test
  void digestOfAbcIsTheFips180Value() throws IOException {
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    assertEquals(ABC, Sha256.of(abc).hex());
    assertEquals(ABC, Sha256.of(new ByteArrayInputStream(abc)).hex());
  }

  @Test
  void streamDigestEqualsArrayDigestForContentLargerThanTheBuffer() throws IOException {
    byte[] big = new byte[200_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    assertEquals(Sha256.of(big), Sha256.of(new ByteArrayInputStream(big)));
  }

  @Test
  void parseThenHexRoundTrips() {
    Sha256 parsed = Sha256.parse(ABC);
    assertEquals(ABC, parsed.hex());
    assertEquals(ABC, parsed.toString());
    assertEquals(Sha256.of("abc".getBytes(StandardCharsets.US_ASCII)), parsed);
    assertEquals(
        Sha256.of("abc".getBytes(StandardCharsets.US_ASCII)).hashCode(), parsed.hashCode());
    assertEquals(parsed, Sha256.parse(Sha256.of("abc".getBytes(StandardCharsets.US_ASCII)).hex()));
  }

  @Test
  void differentDigestsAreUnequalAndOrdered() {
    Sha256 empty = Sha256.parse(EMPTY);
    Sha256 abc = Sha256.parse(ABC);
    assertNotEquals(empty, abc);
    assertTrue(abc.compareTo(empty) < 0, "0xba < 0xe3 unsigned");
    assertTrue(empty.compareTo(abc) > 0);
    assertEquals(0, abc.compareTo(Sha256.parse(ABC)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", // uppercase
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852B855", // one uppercase
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85", // 63 digits
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555", // 65 digits
        "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // non-hex
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85 ", // trailing space
        " e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85", // leading space
        "0x3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // prefix
        "",
        "abc"
      })
  void parseRefusesAnythingButSixtyFourLowercaseHexDigits(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sha256.parse(text));
    assertTrue(
        e.getMessage().startsWith("sha256 must be 64 lowercase hex digits: "), e.getMessage());
  }

  @Test
  void parseRefusesNullWithAMessage() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sha256.parse(null));
    assertEquals("sha256 must be 64 lowercase hex digits: null", e.getMessage());
  }

  @Test
  void parseAbbreviatesAHugeValueInItsMessage() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sha256.parse("a".repeat(10_000)));
    assertTrue(e.getMessage().length() < 200, e.getMessage());
  }

  @Test
  void ofDigestRefusesAWrongLengthAndCopiesItsInput() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sha256.ofDigest(new byte[31]));
    assertEquals("sha256 digest length != 32: 31", e.getMessage());

    byte[] digest = new byte[32];
    Sha256 wrapped = Sha256.ofDigest(digest);
    String before = wrapped.hex();
    digest[0] = 1;
    assertEquals(before, wrapped.hex(), "later changes to the array do not leak in");
  }
}
