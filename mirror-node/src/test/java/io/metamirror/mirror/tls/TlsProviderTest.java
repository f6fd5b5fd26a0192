package io.metamirror.mirror.tls;

import static io.metamirror.mirror.tls.HttpsTestServer.servedSerial;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.Provider;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The mirror's TLS providers on a real Undertow HTTPS listener: Conscrypt and the JDK both serve
 * the ECDSA P-256 certificate the local CA issues over HTTP/1.1 and HTTP/2, both let a second
 * connection resume the first one's session, and {@code auto} falls back to the JDK when
 * Conscrypt's native library cannot load.
 */
class TlsProviderTest {
  /**
   * The one fault a test cannot make in this JVM: Conscrypt's library, once loaded, stays loaded.
   * (A process whose temp directory cannot hold it is {@code MirrorServeTlsProviderTest}'s case.)
   */
  private static final Supplier<Provider> NATIVE_LIBRARY_THAT_CANNOT_LOAD =
      () -> {
        throw new UnsatisfiedLinkError(
            "no conscrypt_openjdk_jni-linux-x86_64 in java.library.path\nsecond line");
      };

  @TempDir Path dir;

  private LocalCa ca;
  private LocalCa.Issued node;

  @BeforeEach
  void issue() throws IOException {
    ca = LocalCa.create(dir.resolve("ca"));
    node = issueNode();
  }

  private LocalCa.Issued issueNode() throws IOException {
    return ca.issue(dir.resolve("certs"), "node", List.of("localhost"), List.of("127.0.0.1"));
  }

  private HttpsTestServer serve(TlsProvider provider, ReloadingKeyManager keys) {
    return HttpsTestServer.start(TlsContexts.serverContext(keys, provider), true);
  }

  private ReloadingKeyManager keys() throws IOException {
    return ReloadingKeyManager.open(node.chainFile(), node.keyFile());
  }

  @Test
  void autoServesWithConscryptWhereItsNativeLibraryLoads() throws Exception {
    assertEquals("Conscrypt", TlsContexts.serverContext(keys()).getProvider().getName());
    assertEquals(TlsProvider.CONSCRYPT, TlsProvider.AUTO.resolve().kind());
  }

  @Test
  void autoFallsBackToTheJdkWhenConscryptsNativeLibraryCannotLoad() {
    TlsProvider.Resolved resolved = TlsProvider.AUTO.resolve(NATIVE_LIBRARY_THAT_CANNOT_LOAD);
    assertEquals(TlsProvider.JDK, resolved.kind());
    assertNull(resolved.provider(), "the JDK's default provider");
  }

  @Test
  void conscryptAskedForByNameThatCannotLoadIsAnErrorSayingWhy() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> TlsProvider.CONSCRYPT.resolve(NATIVE_LIBRARY_THAT_CANNOT_LOAD));
    assertEquals(
        "TLS provider conscrypt: its native library cannot load here (no"
            + " conscrypt_openjdk_jni-linux-x86_64 in java.library.path)",
        e.getMessage());
  }

  @Test
  void optionValuesAreAutoConscryptAndJdkInAnyCase() {
    assertEquals(TlsProvider.AUTO, TlsProvider.parse("auto"));
    assertEquals(TlsProvider.CONSCRYPT, TlsProvider.parse("Conscrypt"));
    assertEquals(TlsProvider.JDK, TlsProvider.parse(" JDK "));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TlsProvider.parse("openssl"));
    assertEquals("TLS provider must be auto, conscrypt or jdk, not \"openssl\"", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsProvider.class,
      names = {"CONSCRYPT", "JDK"})
  void eitherProviderServesTheEcdsaCertificateOverHttp11AndHttp2(TlsProvider provider)
      throws Exception {
    try (HttpsTestServer server = serve(provider, keys())) {
      HttpResponse<String> h1 = server.get(ca.certificateFile(), "/", HttpClient.Version.HTTP_1_1);
      HttpResponse<String> h2 = server.get(ca.certificateFile(), "/", HttpClient.Version.HTTP_2);
      assertEquals("ok", h1.body());
      assertEquals(HttpClient.Version.HTTP_1_1, h1.version());
      assertEquals("ok", h2.body());
      assertEquals(HttpClient.Version.HTTP_2, h2.version(), "ALPN chose h2");
      assertEquals(
          "SHA256withECDSA", HttpsTestServer.servedCertificate(h2).getSigAlgName(), "signed by");
      assertEquals("EC", HttpsTestServer.servedCertificate(h2).getPublicKey().getAlgorithm());
    }
  }

  @ParameterizedTest
  @CsvSource({"CONSCRYPT, -tls1_3", "CONSCRYPT, -tls1_2", "JDK, -tls1_3", "JDK, -tls1_2"})
  void aSecondConnectionResumesTheFirstOnesSession(TlsProvider provider, String protocol)
      throws Exception {
    try (HttpsTestServer server = serve(provider, keys())) {
      OpensslClient client = new OpensslClient(ca.certificateFile(), server.port());
      Path session = dir.resolve("session.pem");
      String first = client.connect(protocol, null, session);
      String second = client.connect(protocol, session, dir.resolve("session-2.pem"));
      assertTrue(first.contains("\nNew, "), "a full handshake first: " + first);
      assertTrue(second.contains("\nReused, "), "the second connection resumed: " + second);
      assertTrue(second.contains("HTTP/1.0 200") || second.contains("ok"), second);
    }
  }

  @Test
  void conscryptServesARenewedCertificateAfterAReload() throws Exception {
    ReloadingKeyManager keys = keys();
    try (HttpsTestServer server = serve(TlsProvider.CONSCRYPT, keys)) {
      BigInteger before = servedSerial(server.get(ca.certificateFile(), "/"));
      LocalCa.Issued renewed = issueNode();
      keys.reload();
      BigInteger after = servedSerial(server.get(ca.certificateFile(), "/"));
      assertNotEquals(before, after);
      assertEquals(renewed.certificate().getSerialNumber(), after);
    }
  }
}
