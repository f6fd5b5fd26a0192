package io.metamirror.protocol.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.ProtocolException;
import io.metamirror.protocol.health.HealthDocument.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixtures are documents that nodes answered before the document had a type (captured from the
 * map-built health endpoint): the typed one must write them byte for byte.
 */
class HealthDocumentTest {
  /** A TLS node whose last certificate reload failed: every field has a value. */
  private static final String TLS_RELOAD_FAILED = "tls-reload-failed.json";

  /** A plain-HTTP node on its first bootstrap: no epoch, no tls. */
  private static final String PLAIN_BOOTSTRAPPING = "plain-bootstrapping.json";

  private static final HealthDocument TLS_RELOAD_FAILED_DOCUMENT =
      new HealthDocument(
          Status.OK,
          "eu-west-1",
          "eu1",
          "27bcf4fcc75f6d60129fa889d8ae6b4c",
          1,
          1,
          0,
          0.0,
          SyncState.FOLLOWING,
          null,
          false,
          "dev",
          new HealthDocument.Tls(
              "CN=localhost,O=metamirror",
              Instant.parse("2027-12-06T02:48:33Z"),
              Instant.parse("2026-12-06T02:48:33.740465335Z"),
              "private key file /tmp/junit-8548839540868321218/cert/node-key.pem: malformed PEM"
                  + " (truncated or corrupt?): -----END PRIVATE KEY----- not found",
              Instant.parse("2026-12-06T02:48:35.001655691Z")));

  private static final HealthDocument PLAIN_BOOTSTRAPPING_DOCUMENT =
      new HealthDocument(
          Status.BOOTSTRAPPING,
          "local",
          "node",
          null,
          0,
          0,
          0,
          0.0,
          SyncState.BOOTSTRAPPING,
          null,
          false,
          "dev",
          null);

  @Test
  void writesTheDocumentNodesAlwaysSentByteForByte() throws IOException {
    assertEquals(fixture(TLS_RELOAD_FAILED), json(TLS_RELOAD_FAILED_DOCUMENT));
  }

  @Test
  void writesAbsentFieldsAsNullNotLeavingThemOut() throws IOException {
    assertEquals(fixture(PLAIN_BOOTSTRAPPING), json(PLAIN_BOOTSTRAPPING_DOCUMENT));
  }

  @ParameterizedTest
  @ValueSource(strings = {TLS_RELOAD_FAILED, PLAIN_BOOTSTRAPPING})
  void readingAndWritingAgainGivesTheSameBytes(String name) throws IOException {
    String original = fixture(name);

    HealthDocument read = HealthDocument.read(bytes(original));

    assertEquals(original, json(read));
  }

  @Test
  void readsEveryField() throws IOException {
    assertEquals(
        TLS_RELOAD_FAILED_DOCUMENT, HealthDocument.read(bytes(fixture(TLS_RELOAD_FAILED))));
  }

  @Test
  void ignoresFieldsANewerNodeAdds() throws IOException {
    String newer =
        fixture(TLS_RELOAD_FAILED)
            .replace("\"status\":\"ok\",", "\"status\":\"ok\",\"shards\":[1,{\"a\":null}],")
            .replace("\"tls\":{", "\"tls\":{\"ocsp\":\"good\",");

    assertEquals(TLS_RELOAD_FAILED_DOCUMENT, HealthDocument.read(bytes(newer)));
  }

  @Test
  void readsAStatusOrSyncStateItDoesNotKnowAsNull() throws IOException {
    HealthDocument read =
        HealthDocument.read(bytes("{\"status\":\"resharding\",\"syncState\":\"verifying\"}"));

    assertNull(read.status());
    assertNull(read.syncState());
  }

  @Test
  void writesEachStatusAndSyncStateAsItsLowerCaseName() throws IOException {
    for (Status status : Status.values()) {
      for (SyncState state : SyncState.values()) {
        HealthDocument document =
            new HealthDocument(status, "r", "n", null, 0, 0, 0, 0, state, null, false, "dev", null);

        String written = json(document);

        assertTrue(
            written.startsWith("{\"status\":\"" + status.name().toLowerCase() + "\","), written);
        assertTrue(
            written.contains("\"syncState\":\"" + state.name().toLowerCase() + "\","), written);
        assertEquals(document, HealthDocument.read(bytes(written)));
      }
    }
  }

  @Test
  void malformedJsonIsAProtocolErrorThatSaysWhere() {
    String message = refusal("{\"status\":\"ok\",\n\"region\":");

    assertTrue(message.contains("line 2"), message);
  }

  @Test
  void aFieldOfTheWrongTypeIsNamed() {
    String seq = refusal("{\"appliedSeq\":\"many\"}");
    String notAfter = refusal("{\"tls\":{\"notAfter\":\"next year\"}}");

    assertTrue(seq.contains("field appliedSeq: "), seq);
    assertTrue(notAfter.contains("field tls.notAfter: "), notAfter);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "null", "[]", "\"ok\"", "{\"status\":\"ok\"} trailing", "<html>"})
  void whatIsNotOneJsonObjectIsRefused(String body) {
    refusal(body);
  }

  /** The message of the refusal to read {@code body}, which always says what it refused. */
  private static String refusal(String body) {
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> HealthDocument.read(bytes(body)));
    assertTrue(e.getMessage().startsWith("not a health document: "), e.getMessage());
    return e.getMessage();
  }

  private static String json(HealthDocument document) {
    return new String(document.toJson(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String fixture(String name) throws IOException {
    try (InputStream in = HealthDocumentTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
