package io.metamirror.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionalRequestTest {
  private static final String ETAG =
      "\"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae\"";
  private static final String OTHER =
      "\"fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9\"";
  private static final Instant MODIFIED = Instant.parse("1994-11-06T08:49:37.250Z");
  private static final String MODIFIED_DATE = "Sun, 06 Nov 1994 08:49:37 GMT";

  private static boolean notModified(String ifNoneMatch, String ifModifiedSince) {
    return new ConditionalRequest(ifNoneMatch, ifModifiedSince).notModified(ETAG, MODIFIED);
  }

  @Test
  void fieldsAreLookedUpByTheirNames() {
    Map<String, String> headers =
        Map.of("If-None-Match", ETAG, "If-Modified-Since", MODIFIED_DATE, "ETag", OTHER);
    assertEquals(new ConditionalRequest(ETAG, MODIFIED_DATE), ConditionalRequest.of(headers::get));
    assertEquals(new ConditionalRequest(null, null), ConditionalRequest.of(name -> null));
  }

  @Test
  void noValidatorsMeansModified() {
    assertFalse(notModified(null, null));
  }

  @Test
  void ifNoneMatchWithTheCurrentTagIsNotModified() {
    assertTrue(notModified(ETAG, null));
    assertFalse(notModified(OTHER, null));
  }

  @Test
  void ifNoneMatchStarMatchesAnyCurrentRepresentation() {
    assertTrue(notModified("*", null));
    assertTrue(new ConditionalRequest("*", null).notModified(null, null));
  }

  @Test
  void ifNoneMatchListMatchesWhenAnyTagIsCurrent() {
    assertTrue(notModified(OTHER + ", " + ETAG, null));
    assertTrue(notModified(OTHER + "," + ETAG, null));
    assertTrue(notModified(" " + ETAG + " ,\t" + OTHER, null));
    assertFalse(notModified(OTHER + ", \"abc\"", null));
  }

  @Test
  void weakTagsMatchByWeakComparison() {
    assertTrue(notModified("W/" + ETAG, null));
    assertTrue(notModified(OTHER + ", W/" + ETAG, null));
    assertTrue(new ConditionalRequest(ETAG, null).notModified("W/" + ETAG, MODIFIED));
    assertFalse(notModified("W/" + OTHER, null));
  }

  @Test
  void commaInsideATagDoesNotSplitIt() {
    assertFalse(notModified("\"a," + ETAG.substring(1), null));
    assertTrue(new ConditionalRequest("\"a,b\", " + OTHER, null).notModified("\"a,b\"", MODIFIED));
  }

  @Test
  void unquotedTagMatchesNothing() {
    assertFalse(notModified(ETAG.substring(1, ETAG.length() - 1), null));
  }

  @Test
  void ifNoneMatchTakesPrecedenceOverIfModifiedSince() {
    assertFalse(notModified(OTHER, MODIFIED_DATE), "a non-matching tag wins over a matching date");
    assertTrue(notModified(ETAG, "Sat, 01 Jan 1970 00:00:00 GMT"), "a matching tag wins");
  }

  @Test
  void ifNoneMatchWithoutACurrentTagIsModified() {
    assertFalse(new ConditionalRequest(ETAG, MODIFIED_DATE).notModified(null, MODIFIED));
  }

  @Test
  void ifModifiedSinceComparesWholeSeconds() {
    assertTrue(notModified(null, MODIFIED_DATE), "same second, the milliseconds ignored");
    assertTrue(notModified(null, "Sun, 06 Nov 1994 08:49:38 GMT"));
    assertFalse(notModified(null, "Sun, 06 Nov 1994 08:49:36 GMT"));
  }

  @Test
  void ifModifiedSinceAcceptsTheObsoleteDateForms() {
    assertTrue(notModified(null, "Sunday, 06-Nov-94 08:49:37 GMT"));
    assertTrue(notModified(null, "Sun Nov  6 08:49:37 1994"));
    assertFalse(notModified(null, "Sun Nov  6 08:49:36 1994"));
  }

  @Test
  void ifModifiedSinceThatIsNotADateIsIgnored() {
    assertFalse(notModified(null, "yesterday"));
    assertFalse(notModified(null, "Sun, 31 Feb 1994 08:49:37 GMT"));
    assertFalse(notModified(null, ""));
  }

  @Test
  void ifModifiedSinceWithoutALastModifiedIsModified() {
    assertFalse(new ConditionalRequest(null, MODIFIED_DATE).notModified(ETAG, null));
  }
}
