package io.metamirror.mirror.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's CA: what it writes, what it reloads, and what it refuses. */
class LocalCaTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final int DNS = 2;
  private static final int IP = 7;

  @TempDir Path dir;

  @Test
  void newCaIsASelfSignedP256AuthorityValidForAboutTenYears() throws Exception {
    LocalCa ca = LocalCa.create(dir.resolve("ca"));
    X509Certificate cert = ca.certificate();

    assertEquals(dir.resolve("ca").resolve("ca.pem"), ca.certificateFile());
    cert.verify(cert.getPublicKey());
    assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
    assertEquals(
        256, ((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize());
    assertTrue(cert.getBasicConstraints() >= 0, "CA:true");
    assertTrue(cert.getKeyUsage()[5], "keyCertSign");
    assertTrue(cert.getCriticalExtensionOIDs().contains("2.5.29.19"), "basicConstraints critical");
    assertEquals(
        LocalCa.CA_VALIDITY.plus(LocalCa.BACKDATE),
        Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()));
  }

  @Test
  void caKeyIsReadableByItsOwnerOnly() throws Exception {
    LocalCa.create(dir);

    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca-key.pem"))));
  }

  @Test
  void secondCreateLoadsTheExistingCa() throws Exception {
    LocalCa first = LocalCa.create(dir);
    byte[] certificateBytes = Files.readAllBytes(first.certificateFile());

    LocalCa second = LocalCa.create(dir);

    assertEquals(first.certificate(), second.certificate());
    assertTrue(
        java.util.Arrays.equals(certificateBytes, Files.readAllBytes(dir.resolve("ca.pem"))));
  }

  @Test
  void issuedCertificateNamesItsAddressesIsForServersAndChainsToTheCa() throws Exception {
    LocalCa ca = LocalCa.create(dir.resolve("ca"));
    Path certs = dir.resolve("certs");

    LocalCa.Issued issued =
        ca.issue(certs, "node-1", List.of("localhost"), List.of("127.0.0.1", "::1"));
    X509Certificate leaf = issued.certificate();

    assertEquals(certs.resolve("node-1.pem"), issued.chainFile());
    assertEquals(certs.resolve("node-1-key.pem"), issued.keyFile());
    leaf.verify(ca.certificate().getPublicKey());
    assertEquals(ca.certificate().getSubjectX500Principal(), leaf.getIssuerX500Principal());
    assertEquals(
        Set.of(List.of(DNS, "localhost"), List.of(IP, "127.0.0.1"), List.of(IP, "0:0:0:0:0:0:0:1")),
        Set.copyOf(leaf.getSubjectAlternativeNames()));
    assertEquals(List.of(SERVER_AUTH), leaf.getExtendedKeyUsage());
    assertEquals(-1, leaf.getBasicConstraints(), "CA:false");
    assertTrue(leaf.getKeyUsage()[0], "digitalSignature");
    assertEquals(
        LocalCa.LEAF_VALIDITY.plus(LocalCa.BACKDATE),
        Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()));
    assertEquals(
        List.of(leaf, ca.certificate()),
        PemKeyMaterial.load(issued.chainFile(), issued.keyFile()).chain());
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(issued.keyFile())));
  }

  @Test
  void reissuingReplacesThePairAndLeavesNoTempFiles() throws Exception {
    LocalCa ca = LocalCa.create(dir);
    LocalCa.Issued first = ca.issue(dir, "node", List.of("localhost"), List.of());

    LocalCa.Issued second = ca.issue(dir, "node", List.of("localhost"), List.of());

    assertNotEquals(first.certificate().getSerialNumber(), second.certificate().getSerialNumber());
    assertEquals(
        second.certificate(), PemKeyMaterial.load(second.chainFile(), second.keyFile()).leaf());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          Set.of("ca.pem", "ca-key.pem", "node.pem", "node-key.pem"),
          files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
    }
  }

  @Test
  void caCertificateWithoutItsKeyIsRefused() throws Exception {
    LocalCa.create(dir);
    Files.delete(dir.resolve("ca-key.pem"));

    IOException e = assertThrows(IOException.class, () -> LocalCa.create(dir));

    assertTrue(e.getMessage().contains("ca.pem exists but ca-key.pem does not"), e.getMessage());
  }

  @Test
  void keyLeftWithoutACertificateIsReplacedByANewCa() throws Exception {
    LocalCa.create(dir);
    Files.delete(dir.resolve("ca.pem"));

    LocalCa ca = LocalCa.create(dir);

    assertEquals(
        ca.certificate(),
        PemKeyMaterial.load(dir.resolve("ca.pem"), dir.resolve("ca-key.pem")).leaf());
  }

  @Test
  void issueRefusesNamesAndAddressesItCannotUse() throws Exception {
    LocalCa ca = LocalCa.create(dir);
    List<String> localhost = List.of("localhost");

    assertThrows(
        IllegalArgumentException.class, () -> ca.issue(dir, "../escape", localhost, List.of()));
    assertThrows(
        IllegalArgumentException.class, () -> ca.issue(dir, ".hidden", localhost, List.of()));
    IllegalArgumentException overwrite =
        assertThrows(
            IllegalArgumentException.class, () -> ca.issue(dir, "ca", localhost, List.of()));
    assertTrue(overwrite.getMessage().contains("would overwrite the CA"), overwrite.getMessage());
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class, () -> ca.issue(dir, "n", List.of(), List.of()));
    assertEquals("no DNS name and no IP address to issue for", none.getMessage());
    IllegalArgumentException ipAsDns =
        assertThrows(
            IllegalArgumentException.class,
            () -> ca.issue(dir, "n", List.of("127.0.0.1"), List.of()));
    assertTrue(ipAsDns.getMessage().contains("pass it in ipAddresses"), ipAsDns.getMessage());
    IllegalArgumentException badIp =
        assertThrows(
            IllegalArgumentException.class,
            () -> ca.issue(dir, "n", localhost, List.of("localhost")));
    assertEquals("not an IP address: \"localhost\"", badIp.getMessage());
  }
}
