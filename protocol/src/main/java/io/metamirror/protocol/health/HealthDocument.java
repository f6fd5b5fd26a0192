package io.metamirror.protocol.health;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.metamirror.protocol.ProtocolException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a mirror node answers on {@code GET /.metamirror/health} (with 200 when {@link #status} is
 * {@link Status#OK}, else 503); the DNS manager's probe and people read it.
 *
 * <pre>
 * {"status":"ok","region":"eu-west-1","node":"eu1","epoch":"27bcf4fcc75f6d60129fa889d8ae6b4c",
 *  "appliedSeq":1,"knownHead":1,"lagEntries":0,"lagSeconds":0.0,"syncState":"following",
 *  "lastError":null,"draining":false,"version":"dev",
 *  "tls":{"subject":"CN=localhost,O=metamirror","notAfter":"2027-12-06T02:48:33Z",
 *         "loadedAt":"2026-12-06T02:48:33.740465335Z","reloadError":null,"reloadErrorAt":null}}
 * </pre>
 *
 * Every field is written, absent ones as {@code null} ({@code "tls":null} on plain HTTP). There is
 * no format marker: fields are only ever added, so a reader ignores fields it does not know and
 * reads a status or sync state it does not know as null, rather than refusing a newer node.
 *
 * @param epoch the store's epoch, null before its first bootstrap
 * @param lagSeconds how long the oldest entry not yet applied has waited
 * @param lastError the sync agent's last failure, or null
 * @param tls the certificate in service, null on plain HTTP
 */
public record HealthDocument(
    Status status,
    String region,
    String node,
    String epoch,
    long appliedSeq,
    long knownHead,
    long lagEntries,
    double lagSeconds,
    SyncState syncState,
    String lastError,
    boolean draining,
    String version,
    Tls tls) {

  /** Whether the node should get traffic; anything but {@link #OK} says why not. */
  public enum Status {
    OK,
    DRAINING,
    BOOTSTRAPPING,
    STALLED,
    /** More entries behind than allowed, for longer than allowed. */
    BEHIND;

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The certificate in service and the last failed reload; a failed reload does not fail health,
   * since the previous certificate still serves.
   *
   * @param reloadError the last reload failure since the last success, or null
   */
  public record Tls(
      String subject,
      Instant notAfter,
      Instant loadedAt,
      String reloadError,
      Instant reloadErrorAt) {}

  /** Instants as {@link Instant#toString()} writes them, which is what nodes always sent. */
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(
              new SimpleModule()
                  .addSerializer(Instant.class, ToStringSerializer.instance)
                  .addDeserializer(Instant.class, new InstantDeserializer()))
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a health document: " + e.getMessage(), e);
    }
  }

  /** Reads a document; the message of the exception says what is wrong and where. */
  public static HealthDocument read(byte[] json) throws ProtocolException {
    HealthDocument document;
    try {
      document = JSON.readValue(json, HealthDocument.class);
    } catch (IOException e) {
      throw new ProtocolException("not a health document: " + describe(e), e);
    }
    if (document == null) {
      throw new ProtocolException("not a health document: the JSON is null");
    }
    return document;
  }

  private static String describe(IOException e) {
    if (!(e instanceof JsonProcessingException json)) {
      return e.getMessage();
    }
    String where =
        json.getLocation() == null
            ? ""
            : " (line "
                + json.getLocation().getLineNr()
                + ", column "
                + json.getLocation().getColumnNr()
                + ")";
    if (json instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      String field =
          mapping.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      return "field " + field + ": " + json.getOriginalMessage() + where;
    }
    return json.getOriginalMessage() + where;
  }

  private static final class InstantDeserializer extends StdScalarDeserializer<Instant> {
    InstantDeserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.hasToken(JsonToken.VALUE_STRING)) {
        return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
      }
      try {
        return Instant.parse(p.getText());
      } catch (DateTimeParseException e) {
        return (Instant)
            ctxt.handleWeirdStringValue(Instant.class, p.getText(), "not an ISO-8601 instant");
      }
    }
  }
}
