package io.metamirror.mirror.tls;

import io.metamirror.protocol.AtomicFile;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private certificate authority for the demo and tests, kept as two PEM files in one directory:
 *
 * <pre>
 * ca.pem       the self-signed CA certificate (EC P-256, CA:true, keyCertSign, ~10 years);
 *              what clients trust: curl --cacert, COMPOSER_CAFILE, {@link TlsContexts#trusting}
 * ca-key.pem   its PKCS#8 private key, mode 0600
 * </pre>
 *
 * <p>{@link #issue} writes a node certificate the way an ACME client does, so a node serves it
 * through the same {@link ReloadingKeyManager} path as a real one: {@code <name>.pem} (leaf, then
 * the CA) and {@code <name>-key.pem} (PKCS#8, mode 0600). Leaves are EC P-256, valid ~1 year (never
 * past the CA), for server authentication, with the given DNS names and IP addresses as subject
 * alternative names, which is what curl and the JDK verify the host against.
 *
 * <p>Every file is replaced whole ({@link AtomicFile}: a dot-named temp file in the same directory,
 * fsynced and renamed over the target), so a reader sees the old or the new file, never a torn one.
 * A new CA's key is written before its certificate: a crash in between leaves a key without a
 * certificate, which no client can have trusted yet, so the next {@link #create} replaces it; a
 * certificate without its key is refused instead, since clients may trust it. Not safe for two
 * processes creating one CA at once.
 */
public final class LocalCa {
  private static final Logger log = LoggerFactory.getLogger(LocalCa.class);

  public static final String CERTIFICATE_FILE = "ca.pem";
  public static final String KEY_FILE = "ca-key.pem";

  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration LEAF_VALIDITY = Duration.ofDays(365);

  /** Issued an hour in the past, so a client whose clock is slightly behind accepts it. */
  static final Duration BACKDATE = Duration.ofHours(1);

  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> WORLD_READABLE =
      PosixFilePermissions.fromString("rw-r--r--");

  /** A certificate written by {@link #issue}, and where. */
  public record Issued(Path chainFile, Path keyFile, X509Certificate certificate) {}

  private final Path certificateFile;
  private final Path keyFile;
  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private LocalCa(
      Path certificateFile,
      Path keyFile,
      X509Certificate certificate,
      PrivateKey privateKey,
      Clock clock) {
    this.certificateFile = certificateFile;
    this.keyFile = keyFile;
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.clock = clock;
  }

  /**
   * Loads the CA in {@code dir}, or creates a new one there (and {@code dir} itself) if it holds
   * none.
   */
  public static LocalCa create(Path dir) throws IOException {
    return create(dir, Clock.systemUTC());
  }

  static LocalCa create(Path dir, Clock clock) throws IOException {
    Objects.requireNonNull(clock, "clock");
    Files.createDirectories(dir);
    Path certificateFile = dir.resolve(CERTIFICATE_FILE);
    Path keyFile = dir.resolve(KEY_FILE);
    boolean haveCertificate = Files.exists(certificateFile);
    boolean haveKey = Files.exists(keyFile);
    if (haveCertificate && !haveKey) {
      throw new IOException(
          "local CA in "
              + dir
              + ": "
              + CERTIFICATE_FILE
              + " exists but "
              + KEY_FILE
              + " does not; restore the key, or remove "
              + CERTIFICATE_FILE
              + " to create a new CA (clients trusting the old one will then refuse the mirror)");
    }
    if (haveCertificate) {
      PemKeyMaterial material = PemKeyMaterial.load(certificateFile, keyFile);
      if (material.leaf().getBasicConstraints() < 0) {
        throw new IOException(
            "local CA in " + dir + ": " + certificateFile + " is not a CA certificate (CA:false)");
      }
      return new LocalCa(certificateFile, keyFile, material.leaf(), material.privateKey(), clock);
    }
    if (haveKey) {
      log.warn("event=local_ca_orphan_key_replaced key={}", keyFile);
    }
    LocalCa ca = generate(certificateFile, keyFile, clock);
    log.info(
        "event=local_ca_created certificate={} subject=\"{}\"",
        certificateFile,
        ca.certificate.getSubjectX500Principal().getName());
    return ca;
  }

  private static LocalCa generate(Path certificateFile, Path keyFile, Clock clock)
      throws IOException {
    SecureRandom random = new SecureRandom();
    KeyPair keys = newEcP256KeyPair(random);
    byte[] tag = new byte[4];
    random.nextBytes(tag);
    // A distinct name per CA, so two demo CAs in one trust store are told apart.
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "metamirror")
            .addRDN(BCStyle.CN, "metamirror local CA " + HexFormat.of().formatHex(tag))
            .build();
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serial(random),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(now.plus(CA_VALIDITY)),
                  subject,
                  keys.getPublic())
              // pathLen 0: this CA signs leaves only.
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate certificate = sign(builder, keys.getPrivate());
      writeAtomically(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), OWNER_ONLY);
      writeAtomically(
          certificateFile, pem("CERTIFICATE", certificate.getEncoded()), WORLD_READABLE);
      return new LocalCa(certificateFile, keyFile, certificate, keys.getPrivate(), clock);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot build an EC P-256 CA certificate", e);
    }
  }

  /** {@code ca.pem}: give it to clients as their trust anchor. */
  public Path certificateFile() {
    return certificateFile;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * Writes {@code dir/<name>.pem} (leaf, then this CA) and {@code dir/<name>-key.pem} for a new EC
   * P-256 key, replacing any previous pair. At least one DNS name or IP address is required.
   */
  public Issued issue(Path dir, String name, List<String> dnsNames, List<String> ipAddresses)
      throws IOException {
    return issue(dir, name, dnsNames, ipAddresses, newEcP256KeyPair(random));
  }

  /** As {@link #issue(Path, String, List, List)} for a given key pair (tests use RSA keys). */
  Issued issue(
      Path dir, String name, List<String> dnsNames, List<String> ipAddresses, KeyPair leafKeys)
      throws IOException {
    if (name == null || !FILE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name is not a plain file name ([A-Za-z0-9][A-Za-z0-9._-]*): " + name);
    }
    GeneralNames alternativeNames = alternativeNames(dnsNames, ipAddresses);
    Files.createDirectories(dir);
    Path chainFile = dir.resolve(name + ".pem");
    Path leafKeyFile = dir.resolve(name + "-key.pem");
    if (sameFile(chainFile, certificateFile) || sameFile(leafKeyFile, keyFile)) {
      throw new IllegalArgumentException(
          "name " + name + " in " + dir + " would overwrite the CA's own files");
    }
    String commonName = !dnsNames.isEmpty() ? dnsNames.get(0) : ipAddresses.get(0);
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "metamirror")
            .addRDN(BCStyle.CN, commonName)
            .build();
    Instant now = clock.instant();
    Instant notAfter = now.plus(LEAF_VALIDITY);
    if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
      notAfter = certificate.getNotAfter().toInstant();
    }
    PublicKey leafPublic = leafKeys.getPublic();
    boolean rsa = leafPublic.getAlgorithm().equals("RSA");
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  certificate,
                  serial(random),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(notAfter),
                  subject,
                  leafPublic)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  // keyEncipherment only matters for RSA key exchange in TLS 1.2.
                  new KeyUsage(
                      rsa
                          ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                          : KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(Extension.subjectAlternativeName, false, alternativeNames)
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(leafPublic))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  extensions.createAuthorityKeyIdentifier(certificate));
      X509Certificate leaf = sign(builder, privateKey);
      // Key first, like a renewal: a reader that sees the new chain with the old key refuses the
      // pair and retries, it never serves a mismatch.
      writeAtomically(
          leafKeyFile, pem("PRIVATE KEY", leafKeys.getPrivate().getEncoded()), OWNER_ONLY);
      writeAtomically(
          chainFile,
          pem("CERTIFICATE", leaf.getEncoded()) + pem("CERTIFICATE", certificate.getEncoded()),
          WORLD_READABLE);
      return new Issued(chainFile, leafKeyFile, leaf);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot build a certificate for " + name, e);
    }
  }

  private static GeneralNames alternativeNames(List<String> dnsNames, List<String> ipAddresses) {
    Objects.requireNonNull(dnsNames, "dnsNames");
    Objects.requireNonNull(ipAddresses, "ipAddresses");
    if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
      throw new IllegalArgumentException("no DNS name and no IP address to issue for");
    }
    List<GeneralName> names = new ArrayList<>();
    for (String dns : dnsNames) {
      if (dns == null || dns.isBlank() || dns.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("not a DNS name: \"" + dns + "\"");
      }
      if (IPAddress.isValid(dns)) {
        throw new IllegalArgumentException(
            "DNS name " + dns + " is an IP address; pass it in ipAddresses");
      }
      names.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (String ip : ipAddresses) {
      if (ip == null || !IPAddress.isValid(ip)) {
        throw new IllegalArgumentException("not an IP address: \"" + ip + "\"");
      }
      names.add(new GeneralName(GeneralName.iPAddress, ip));
    }
    return new GeneralNames(names.toArray(new GeneralName[0]));
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
      throws GeneralSecurityException {
    String algorithm =
        signingKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(signingKey)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign with " + algorithm, e);
    }
  }

  private static KeyPair newEcP256KeyPair(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate an EC P-256 key", e);
    }
  }

  /** Positive, non-zero, unpredictable, and within the 20 octets RFC 5280 allows. */
  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static boolean sameFile(Path a, Path b) {
    return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
  }

  /** Replaces {@code file} whole ({@link AtomicFile}), with exactly {@code permissions}. */
  private static void writeAtomically(
      Path file, String content, Set<PosixFilePermission> permissions) throws IOException {
    AtomicFile.at(file).withMode(permissions).write(content.getBytes(StandardCharsets.US_ASCII));
  }
}
