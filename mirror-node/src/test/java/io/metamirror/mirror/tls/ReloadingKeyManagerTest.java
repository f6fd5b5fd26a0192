package io.metamirror.mirror.tls;

import static io.metamirror.mirror.tls.HttpsTestServer.servedCertificate;
import static io.metamirror.mirror.tls.HttpsTestServer.servedSerial;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Undertow HTTPS listener on loopback serving through a {@link ReloadingKeyManager}: clients
 * trusting the local CA see the issued certificate, and a renewal written to the same files reaches
 * new connections without a restart, once the check interval has passed or on an explicit reload.
 */
class ReloadingKeyManagerTest {
  private static final Duration INTERVAL = Duration.ofSeconds(60);

  @TempDir Path dir;

  private LocalCa ca;
  private Path certs;
  private LocalCa.Issued node;
  private SteppedClock clock;
  private ReloadingKeyManager keyManager;
  private HttpsTestServer server;

  @BeforeEach
  void start() throws IOException {
    ca = LocalCa.create(dir.resolve("ca"));
    certs = dir.resolve("certs");
    node = issueNode();
    clock = new SteppedClock(Instant.parse("2030-01-01T00:00:00Z"));
    keyManager = ReloadingKeyManager.open(node.chainFile(), node.keyFile(), clock, INTERVAL);
    server = HttpsTestServer.start(TlsContexts.serverContext(keyManager));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private LocalCa.Issued issueNode() throws IOException {
    return ca.issue(certs, "node", List.of("localhost"), List.of("127.0.0.1", "::1"));
  }

  private HttpResponse<String> get() throws IOException, InterruptedException {
    return server.get(ca.certificateFile(), "/packages.json");
  }

  @Test
  void clientTrustingTheLocalCaGetsTheIssuedCertificate() throws Exception {
    HttpResponse<String> response = get();

    assertEquals(200, response.statusCode());
    assertEquals("ok", response.body());
    X509Certificate served = servedCertificate(response);
    assertEquals(node.certificate().getSerialNumber(), served.getSerialNumber());
    assertEquals(node.certificate().getSubjectX500Principal(), served.getSubjectX500Principal());
    assertEquals(2, response.sslSession().orElseThrow().getPeerCertificates().length);
  }

  @Test
  void renewalReachesNewConnectionsOnceTheCheckIntervalHasPassedWithoutRestart() throws Exception {
    BigInteger first = servedSerial(get());
    LocalCa.Issued renewed = issueNode();
    assertNotEquals(first, renewed.certificate().getSerialNumber());

    clock.step(INTERVAL.minusSeconds(1));
    assertEquals(first, servedSerial(get()), "checked before the interval passed");

    clock.step(Duration.ofSeconds(1));
    HttpResponse<String> after = get();
    assertEquals(200, after.statusCode());
    assertEquals(renewed.certificate().getSerialNumber(), servedSerial(after));
    assertEquals(renewed.certificate(), keyManager.current().leaf());
    assertTrue(keyManager.lastFailure().isEmpty());
  }

  @Test
  void explicitReloadServesTheRenewalWithoutWaitingForTheInterval() throws Exception {
    get();
    LocalCa.Issued renewed = issueNode();

    keyManager.reload();

    assertEquals(renewed.certificate().getSerialNumber(), servedSerial(get()));
  }

  @Test
  void checkNowReportsWhetherNewMaterialWentIntoService() throws Exception {
    assertFalse(keyManager.checkNow(), "nothing changed");

    LocalCa.Issued renewed = issueNode();

    assertTrue(keyManager.checkNow());
    assertEquals(renewed.certificate().getSerialNumber(), servedSerial(get()));
    assertFalse(keyManager.checkNow(), "already loaded");
  }

  @Test
  void truncatedKeyDuringRenewalKeepsServingTheOldCertificateAndReportsTheError() throws Exception {
    BigInteger old = servedSerial(get());
    LocalCa.Issued renewal =
        ca.issue(dir.resolve("staging"), "node", List.of("localhost"), List.of("127.0.0.1"));
    String renewedKey = Files.readString(renewal.keyFile());
    // A renewal caught midway: the chain is complete, the key written in place only half way.
    replace(node.chainFile(), renewal.chainFile());
    Files.writeString(node.keyFile(), renewedKey.substring(0, renewedKey.length() / 2));

    clock.step(INTERVAL);
    HttpResponse<String> during = get();

    assertEquals(200, during.statusCode());
    assertEquals(old, servedSerial(during));
    ReloadingKeyManager.Failure failure = keyManager.lastFailure().orElseThrow();
    assertTrue(failure.message().contains(node.keyFile().toString()), failure.message());
    assertTrue(failure.message().contains("malformed PEM"), failure.message());
    assertEquals(clock.instant(), failure.at());

    Files.writeString(node.keyFile(), renewedKey);
    clock.step(INTERVAL);

    assertEquals(renewal.certificate().getSerialNumber(), servedSerial(get()));
    assertTrue(keyManager.lastFailure().isEmpty(), "a successful load clears the failure");
  }

  @Test
  void renewedChainWithTheOldKeyIsNotServedUntilTheNewKeyArrives() throws Exception {
    BigInteger old = servedSerial(get());
    LocalCa.Issued renewal =
        ca.issue(dir.resolve("staging"), "node", List.of("localhost"), List.of("127.0.0.1"));
    replace(node.chainFile(), renewal.chainFile());

    clock.step(INTERVAL);

    assertEquals(old, servedSerial(get()));
    String message = keyManager.lastFailure().orElseThrow().message();
    assertTrue(message.contains("does not match"), message);

    replace(node.keyFile(), renewal.keyFile());
    clock.step(INTERVAL);

    assertEquals(renewal.certificate().getSerialNumber(), servedSerial(get()));
  }

  @Test
  void failedExplicitReloadThrowsAndKeepsServingTheOldCertificate() throws Exception {
    BigInteger old = servedSerial(get());
    Files.writeString(node.keyFile(), "not a key\n");

    IOException e = assertThrows(IOException.class, keyManager::reload);

    assertTrue(e.getMessage().contains("not a PEM file"), e.getMessage());
    assertEquals(e.getMessage(), keyManager.lastFailure().orElseThrow().message());
    assertEquals(old, servedSerial(get()));
  }

  @Test
  void openFailsFastWhenTheKeyFileIsMissing() throws Exception {
    Path missing = dir.resolve("nowhere-key.pem");

    NoSuchFileException e =
        assertThrows(
            NoSuchFileException.class,
            () -> ReloadingKeyManager.open(node.chainFile(), missing, clock, INTERVAL));

    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("private key file missing"), e.getMessage());
  }

  @Test
  void negativeCheckIntervalIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ReloadingKeyManager.open(
                    node.chainFile(), node.keyFile(), clock, Duration.ofSeconds(-1)));
    assertTrue(e.getMessage().startsWith("checkInterval < 0"), e.getMessage());
  }

  @Test
  void rsaCertificateWithPkcs1KeyIsServedToo() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair rsa = generator.generateKeyPair();
    LocalCa.Issued issued =
        ca.issue(dir.resolve("rsa"), "rsa", List.of("localhost"), List.of("127.0.0.1"), rsa);
    StringWriter pkcs1 = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pkcs1)) {
      writer.writeObject(rsa.getPrivate());
    }
    Files.writeString(issued.keyFile(), pkcs1.toString());
    ReloadingKeyManager rsaKeys = ReloadingKeyManager.open(issued.chainFile(), issued.keyFile());

    try (HttpsTestServer rsaServer = HttpsTestServer.start(TlsContexts.serverContext(rsaKeys))) {
      HttpResponse<String> response = rsaServer.get(ca.certificateFile(), "/");

      assertEquals(200, response.statusCode());
      assertEquals(issued.certificate().getSerialNumber(), servedSerial(response));
    }
  }

  @Test
  void clientTrustingAnotherCaRefusesTheServer() throws Exception {
    LocalCa stranger = LocalCa.create(dir.resolve("other-ca"));

    IOException e =
        assertThrows(IOException.class, () -> server.get(stranger.certificateFile(), "/"));

    assertTrue(hasCause(e, SSLHandshakeException.class), e.toString());
  }

  @Test
  void certificateWithoutTheRequestedAddressIsRefusedByHostnameVerification() throws Exception {
    LocalCa.Issued elsewhere =
        ca.issue(certs, "node", List.of("mirror.example"), List.of("10.0.0.1"));
    keyManager.reload();
    assertEquals(elsewhere.certificate(), keyManager.current().leaf());

    IOException e = assertThrows(IOException.class, this::get);

    assertTrue(hasCause(e, SSLHandshakeException.class), e.toString());
  }

  @Test
  void serverContextEnablesOnlyTls13And12() {
    SSLContext context = TlsContexts.serverContext(keyManager);

    assertEquals(
        List.of("TLSv1.3", "TLSv1.2"), List.of(context.createSSLEngine().getEnabledProtocols()));
    assertEquals(
        List.of("TLSv1.3", "TLSv1.2"),
        List.of(context.createSSLEngine("127.0.0.1", 443).getEnabledProtocols()));
    assertEquals(
        List.of("TLSv1.3", "TLSv1.2"), List.of(context.getDefaultSSLParameters().getProtocols()));
  }

  @Test
  void curlTrustingTheCaFileFetchesOverHttps() throws Exception {
    Path curl = onPath("curl");
    assumeTrue(curl != null, "curl is not installed");

    Process process =
        new ProcessBuilder(
                curl.toString(),
                "--silent",
                "--show-error",
                "--fail",
                "--noproxy",
                "*",
                "--max-time",
                "10",
                "--cacert",
                ca.certificateFile().toString(),
                server.uri("/packages.json").toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(process.waitFor(20, TimeUnit.SECONDS), "curl did not finish");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertEquals(0, process.exitValue(), output);
    assertEquals("ok", output);
  }

  /** Renames {@code source} over {@code target}, as certbot and lego publish a renewed file. */
  private static void replace(Path target, Path source) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static Path onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String entry : path.split(File.pathSeparator)) {
      Path candidate = Path.of(entry, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
