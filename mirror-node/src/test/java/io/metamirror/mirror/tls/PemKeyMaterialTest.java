package io.metamirror.mirror.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Random;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Chain and key files in the forms ACME clients write load; everything else is refused with a
 * message naming the file and the problem.
 */
class PemKeyMaterialTest {
  private static final char[] PASSWORD = "hunter2".toCharArray();

  /** Only to write encrypted keys (the JDK lacks OpenSSL's key derivation); never registered. */
  private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

  private static KeyPair rsa;

  @TempDir Path dir;

  private LocalCa ca;

  @BeforeAll
  static void generateRsaKeyOnce() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    rsa = generator.generateKeyPair();
  }

  @BeforeEach
  void createCa() throws IOException {
    ca = LocalCa.create(dir.resolve("ca"));
  }

  private static KeyPair keyPair(String type) throws Exception {
    if (type.equals("RSA")) {
      return rsa;
    }
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(type));
    return generator.generateKeyPair();
  }

  private LocalCa.Issued issue(String name, KeyPair keys) throws IOException {
    return ca.issue(dir, name, List.of("localhost"), List.of("127.0.0.1"), keys);
  }

  /** A certificate for localhost, signed by the test CA, and its key, in {@code dir}. */
  private LocalCa.Issued issueNode() throws IOException {
    return ca.issue(dir, "node", List.of("localhost"), List.of());
  }

  /** Loading {@code chain} with {@code key} fails; returns the failure, for its message. */
  private static IOException loadRefused(Path chain, Path key) {
    return assertThrows(IOException.class, () -> PemKeyMaterial.load(chain, key));
  }

  /** Loading {@code chain} with {@code key} fails, and the message says each of {@code parts}. */
  private static void assertLoadRefusedSaying(Path chain, Path key, String... parts) {
    String message = loadRefused(chain, key).getMessage();
    for (String part : parts) {
      assertTrue(message.contains(part), "'" + part + "' is not in: " + message);
    }
  }

  /** What {@code openssl} and older ACME clients write: PKCS#1 for RSA, SEC1 for EC. */
  private static String traditionalPem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  /**
   * SEC1 as {@code openssl} writes it: the curve and the public key inside the key structure.
   * (BouncyCastle's writer, given a JDK key, leaves both out; that form is tested too.)
   */
  private static String opensslSec1Pem(KeyPair keys) throws IOException {
    PrivateKeyInfo pkcs8 = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
    ECPrivateKey bare = ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
    int orderBits =
        ((java.security.interfaces.ECPrivateKey) keys.getPrivate())
            .getParams()
            .getOrder()
            .bitLength();
    ECPrivateKey full =
        new ECPrivateKey(
            orderBits,
            bare.getKey(),
            SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData(),
            pkcs8.getPrivateKeyAlgorithm().getParameters());
    return LocalCa.pem("EC PRIVATE KEY", full.getEncoded());
  }

  @ParameterizedTest(name = "{0} key as {1}")
  @CsvSource({
    "RSA,       PKCS8, -----BEGIN PRIVATE KEY-----",
    "RSA,       PKCS1, -----BEGIN RSA PRIVATE KEY-----",
    "secp256r1, PKCS8, -----BEGIN PRIVATE KEY-----",
    "secp256r1, SEC1, -----BEGIN EC PRIVATE KEY-----",
    "secp256r1, SEC1_WITHOUT_CURVE, -----BEGIN EC PRIVATE KEY-----",
    "secp384r1, PKCS8, -----BEGIN PRIVATE KEY-----",
    "secp384r1, SEC1, -----BEGIN EC PRIVATE KEY-----",
    "secp384r1, SEC1_WITHOUT_CURVE, -----BEGIN EC PRIVATE KEY-----",
  })
  void keyInEveryFormAcmeClientsWriteLoads(String type, String format, String header)
      throws Exception {
    KeyPair keys = keyPair(type);
    LocalCa.Issued issued = issue("node", keys);
    switch (format) {
      case "PKCS8" -> {} // as LocalCa, certbot and lego write it
      case "PKCS1", "SEC1_WITHOUT_CURVE" ->
          Files.writeString(issued.keyFile(), traditionalPem(keys.getPrivate()));
      case "SEC1" -> Files.writeString(issued.keyFile(), opensslSec1Pem(keys));
      default -> throw new IllegalArgumentException(format);
    }
    assertTrue(Files.readString(issued.keyFile()).startsWith(header));

    PemKeyMaterial material = PemKeyMaterial.load(issued.chainFile(), issued.keyFile());

    assertEquals(keys.getPrivate().getAlgorithm(), material.privateKey().getAlgorithm());
    assertEquals(issued.certificate(), material.leaf());
  }

  @Test
  void chainIsReadLeafFirstThenIntermediates() throws Exception {
    LocalCa.Issued issued = issueNode();

    PemKeyMaterial material = PemKeyMaterial.load(issued.chainFile(), issued.keyFile());

    assertEquals(List.of(issued.certificate(), ca.certificate()), material.chain());
  }

  @Test
  void sec1KeyAfterAnEcParametersBlockLoads() throws Exception {
    KeyPair keys = keyPair("secp256r1");
    LocalCa.Issued issued = issue("node", keys);
    // As `openssl ecparam -genkey -name prime256v1` writes it: the curve OID first.
    Files.writeString(
        issued.keyFile(),
        "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
            + opensslSec1Pem(keys));

    PemKeyMaterial material = PemKeyMaterial.load(issued.chainFile(), issued.keyFile());

    assertEquals("EC", material.privateKey().getAlgorithm());
  }

  @Test
  void oneFileHoldingChainAndKeyServesAsBoth() throws Exception {
    LocalCa.Issued issued = issueNode();
    Path combined = dir.resolve("combined.pem");
    Files.writeString(
        combined, Files.readString(issued.chainFile()) + Files.readString(issued.keyFile()));

    PemKeyMaterial material = PemKeyMaterial.load(combined, combined);

    assertEquals(issued.certificate(), material.leaf());
  }

  @Test
  void keyOfAnotherCertificateIsRefusedAsNotMatching() throws Exception {
    LocalCa.Issued a = ca.issue(dir, "a", List.of("localhost"), List.of());
    LocalCa.Issued b = ca.issue(dir, "b", List.of("localhost"), List.of());

    assertLoadRefusedSaying(
        a.chainFile(), b.keyFile(), b.keyFile() + " does not match", a.chainFile().toString());
  }

  @Test
  void rsaKeyForAnEcCertificateIsRefusedAsNotMatching() throws Exception {
    LocalCa.Issued ec = ca.issue(dir, "ec", List.of("localhost"), List.of());
    LocalCa.Issued rsaIssued = issue("rsa", rsa);

    assertLoadRefusedSaying(
        ec.chainFile(),
        rsaIssued.keyFile(),
        "does not match",
        "the key is RSA, the certificate's is EC");
  }

  @Test
  void ecKeyOnAnotherCurveIsRefusedAsNotMatching() throws Exception {
    LocalCa.Issued p256 = issue("p256", keyPair("secp256r1"));
    LocalCa.Issued p384 = issue("p384", keyPair("secp384r1"));

    assertLoadRefusedSaying(p256.chainFile(), p384.keyFile(), "does not match");
  }

  @Test
  void chainWithoutTheLeafIsRefusedWithAHintAboutFullchain() throws Exception {
    LocalCa.Issued issued = issueNode();

    assertLoadRefusedSaying(
        ca.certificateFile(), issued.keyFile(), "does not match", "fullchain.pem, not chain.pem");
  }

  @ParameterizedTest(name = "{0}: begins {1}, says {2}")
  @CsvSource({
    "traditional, -----BEGIN EC PRIVATE KEY-----,        'Proc-Type: 4,ENCRYPTED'",
    "PKCS8,       -----BEGIN ENCRYPTED PRIVATE KEY-----, ENCRYPTED PRIVATE KEY",
  })
  void encryptedKeyIsRefusedAsUnsupported(String format, String begins, String says)
      throws Exception {
    LocalCa.Issued issued = issueNode();
    PrivateKey key = keyPair("secp256r1").getPrivate();
    PemObjectGenerator encrypted =
        switch (format) {
          case "traditional" ->
              new JcaMiscPEMGenerator(
                  key,
                  new JcePEMEncryptorBuilder("AES-256-CBC")
                      .setProvider(BOUNCY_CASTLE)
                      .build(PASSWORD));
          case "PKCS8" ->
              new JcaPKCS8Generator(
                  key,
                  new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                      .setProvider(BOUNCY_CASTLE)
                      .setPassword(PASSWORD)
                      .build());
          default -> throw new IllegalArgumentException(format);
        };
    Files.writeString(issued.keyFile(), traditionalPem(encrypted));
    String pem = Files.readString(issued.keyFile());
    assertTrue(pem.startsWith(begins), pem);
    assertTrue(pem.contains(says), pem);

    assertLoadRefusedSaying(
        issued.chainFile(),
        issued.keyFile(),
        issued.keyFile().toString(),
        "is encrypted, which is not supported");
  }

  @Test
  void missingFilesAreNamedInTheError() throws Exception {
    LocalCa.Issued issued = issueNode();
    Path nowhere = dir.resolve("nowhere.pem");

    NoSuchFileException chain =
        assertThrows(
            NoSuchFileException.class, () -> PemKeyMaterial.load(nowhere, issued.keyFile()));
    NoSuchFileException key =
        assertThrows(
            NoSuchFileException.class, () -> PemKeyMaterial.load(issued.chainFile(), nowhere));

    assertEquals(nowhere + ": certificate chain file missing", chain.getMessage());
    assertEquals(nowhere + ": private key file missing", key.getMessage());
  }

  @Test
  void chainFileWithoutACertificateIsRefused() throws Exception {
    LocalCa.Issued issued = issueNode();

    IOException e = loadRefused(issued.keyFile(), issued.keyFile());

    assertEquals(
        "certificate chain file "
            + issued.keyFile()
            + ": no certificate in it (expected '-----BEGIN CERTIFICATE-----')",
        e.getMessage());
  }

  @Test
  void keyFileHoldingOnlyCertificatesIsRefused() throws Exception {
    Path chain = issueNode().chainFile();

    assertLoadRefusedSaying(chain, chain, "no private key in it", "found only CERTIFICATE");
  }

  @Test
  void binaryGarbageIsRefusedAsNotPem() throws Exception {
    LocalCa.Issued issued = issueNode();
    byte[] garbage = new byte[300];
    new Random(1).nextBytes(garbage);
    Files.write(issued.keyFile(), garbage);

    IOException e = loadRefused(issued.chainFile(), issued.keyFile());

    assertEquals(
        "private key file " + issued.keyFile() + ": not a PEM file (no '-----BEGIN' line)",
        e.getMessage());
  }

  @Test
  void emptyKeyFileIsRefusedAsEmpty() throws Exception {
    LocalCa.Issued issued = issueNode();
    Files.write(issued.keyFile(), new byte[0]);

    IOException e = loadRefused(issued.chainFile(), issued.keyFile());

    assertTrue(e.getMessage().endsWith("the file is empty)"), e.getMessage());
  }

  @Test
  void truncatedChainFileIsRefusedAsMalformed() throws Exception {
    LocalCa.Issued issued = issueNode();
    String chain = Files.readString(issued.chainFile());
    Files.writeString(issued.chainFile(), chain.substring(0, chain.length() / 3));

    IOException e = loadRefused(issued.chainFile(), issued.keyFile());

    assertTrue(
        e.getMessage()
            .startsWith("certificate chain file " + issued.chainFile() + ": malformed PEM"),
        e.getMessage());
  }

  @Test
  void corruptBase64InTheKeyIsRefusedAsMalformed() throws Exception {
    LocalCa.Issued issued = issueNode();
    Files.writeString(
        issued.keyFile(), "-----BEGIN PRIVATE KEY-----\nAAAA!!!!AAAA\n-----END PRIVATE KEY-----\n");

    IOException e = loadRefused(issued.chainFile(), issued.keyFile());

    assertTrue(
        e.getMessage().startsWith("private key file " + issued.keyFile() + ": malformed PEM"),
        e.getMessage());
  }

  @Test
  void publicKeyInPlaceOfThePrivateKeyIsRefused() throws Exception {
    LocalCa.Issued issued = issueNode();
    Files.writeString(
        issued.keyFile(),
        LocalCa.pem("PUBLIC KEY", issued.certificate().getPublicKey().getEncoded()));

    assertLoadRefusedSaying(issued.chainFile(), issued.keyFile(), "found only PUBLIC KEY");
  }

  @Test
  void fileTooLargeToBePemIsRefusedUnread() throws Exception {
    LocalCa.Issued issued = issueNode();
    Files.write(issued.chainFile(), new byte[(int) PemKeyMaterial.MAX_PEM_FILE_BYTES + 1]);

    assertLoadRefusedSaying(issued.chainFile(), issued.keyFile(), "too large to be a PEM");
  }

  @Test
  void twoKeysInTheKeyFileAreRefused() throws Exception {
    LocalCa.Issued issued = issueNode();
    String key = Files.readString(issued.keyFile(), StandardCharsets.US_ASCII);
    Files.writeString(issued.keyFile(), key + key);

    assertLoadRefusedSaying(issued.chainFile(), issued.keyFile(), "more than one private key");
  }
}
