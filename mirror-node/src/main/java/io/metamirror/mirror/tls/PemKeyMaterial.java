package io.metamirror.mirror.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A certificate chain and its private key, read from the two PEM files an ACME client writes.
 *
 * <p>The chain file ({@code fullchain.pem}) holds one or more {@code -----BEGIN CERTIFICATE-----}
 * blocks, leaf first, then intermediates; other PEM blocks in it are ignored, so a combined
 * cert-and-key file works too. The key file holds one unencrypted RSA or EC private key in any of
 * the forms ACME clients write:
 *
 * <pre>
 * -----BEGIN PRIVATE KEY-----        PKCS#8 (certbot, lego, acme.sh with ECC)
 * -----BEGIN RSA PRIVATE KEY-----    PKCS#1 (older certbot, acme.sh)
 * -----BEGIN EC PRIVATE KEY-----     SEC1, optionally after an -----BEGIN EC PARAMETERS----- block
 * </pre>
 *
 * <p>A SEC1 key that omits its curve (as BouncyCastle's PEM writer does for JDK keys) takes the
 * curve from the {@code EC PARAMETERS} block, or else from the certificate.
 *
 * <p>Certificates in the key file are ignored. Loading succeeds only if the key belongs to the
 * first certificate of the chain (checked by signing and verifying a challenge), so a half-renewed
 * pair, a {@code chain.pem} given for {@code fullchain.pem}, or a key from another certificate is
 * refused rather than served. Validity dates are not checked: serving an expired certificate is
 * left to monitoring, not to startup.
 *
 * <p>Every failure is an {@link IOException} whose message names the file and what is wrong with
 * it. Instances are immutable.
 */
public final class PemKeyMaterial {
  /** Far larger than any real chain or key; refuses to read a wrong path's multi-gigabyte file. */
  static final long MAX_PEM_FILE_BYTES = 1 << 20;

  static final String CHAIN_ROLE = "certificate chain file";
  static final String KEY_ROLE = "private key file";

  private final List<X509Certificate> chain;
  private final PrivateKey privateKey;

  private PemKeyMaterial(List<X509Certificate> chain, PrivateKey privateKey) {
    this.chain = List.copyOf(chain);
    this.privateKey = privateKey;
  }

  /**
   * Reads {@code certificateChainFile} (leaf first) and {@code privateKeyFile}, and checks that the
   * key belongs to the leaf.
   */
  public static PemKeyMaterial load(Path certificateChainFile, Path privateKeyFile)
      throws IOException {
    List<X509Certificate> chain = readCertificates(certificateChainFile, CHAIN_ROLE);
    PrivateKey key = readPrivateKey(privateKeyFile, chain.get(0));
    requireKeyMatches(key, chain.get(0), certificateChainFile, privateKeyFile);
    return new PemKeyMaterial(chain, key);
  }

  /** The chain as read: leaf first, then intermediates. Unmodifiable. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The first certificate of the chain, the one the private key belongs to. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  @Override
  public String toString() {
    X509Certificate leaf = leaf();
    return "PemKeyMaterial{subject="
        + leaf.getSubjectX500Principal().getName()
        + ", serial="
        + leaf.getSerialNumber().toString(16)
        + ", notAfter="
        + leaf.getNotAfter().toInstant()
        + ", chainLength="
        + chain.size()
        + "}";
  }

  /**
   * Reads every certificate in a PEM file, in file order; at least one, or an {@link IOException}
   * naming {@code role} and the file.
   */
  static List<X509Certificate> readCertificates(Path file, String role) throws IOException {
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    List<X509Certificate> certificates = new ArrayList<>();
    for (Object o : readPemObjects(file, role)) {
      if (o instanceof X509CertificateHolder holder) {
        try {
          certificates.add(converter.getCertificate(holder));
        } catch (CertificateException e) {
          throw malformed(role, file, e);
        }
      }
    }
    if (certificates.isEmpty()) {
      throw new IOException(
          role + " " + file + ": no certificate in it (expected '-----BEGIN CERTIFICATE-----')");
    }
    return certificates;
  }

  /**
   * The single private key in {@code file}. {@code leaf} only supplies the curve of a SEC1 key
   * written without one (as BouncyCastle's PEM writer does for JDK keys) and not preceded by an
   * {@code EC PARAMETERS} block; a wrong guess fails the key check that follows.
   */
  private static PrivateKey readPrivateKey(Path file, X509Certificate leaf) throws IOException {
    PrivateKeyInfo found = null;
    ASN1Encodable ecParameters = null;
    Set<String> ignored = new TreeSet<>();
    for (Object o : readPemObjects(file, KEY_ROLE)) {
      PrivateKeyInfo info;
      if (o instanceof ASN1ObjectIdentifier || o instanceof X9ECParameters) {
        ecParameters = (ASN1Encodable) o; // "-----BEGIN EC PARAMETERS-----"
        continue;
      }
      if (o instanceof PrivateKeyInfo pkcs8) {
        info = pkcs8;
      } else if (o instanceof PEMKeyPair traditional) {
        info = traditional.getPrivateKeyInfo();
      } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
        throw new IOException(
            KEY_ROLE
                + " "
                + file
                + ": the private key is encrypted, which is not supported; store it unencrypted"
                + " and readable only by the mirror's user (mode 0600), as ACME clients do");
      } else {
        // A certificate next to the key, or the EC PARAMETERS block openssl writes before a SEC1
        // key: not the key, but not wrong either.
        ignored.add(describe(o));
        continue;
      }
      if (found != null) {
        throw new IOException(
            KEY_ROLE + " " + file + ": more than one private key in it; expected exactly one");
      }
      found = info;
    }
    if (found == null) {
      throw new IOException(
          KEY_ROLE
              + " "
              + file
              + ": no private key in it (expected '-----BEGIN PRIVATE KEY-----', '-----BEGIN RSA"
              + " PRIVATE KEY-----' or '-----BEGIN EC PRIVATE KEY-----'"
              + (ignored.isEmpty() ? "" : "; found only " + String.join(", ", ignored))
              + ")");
    }
    PrivateKey key;
    try {
      if (ecParameters == null) {
        ecParameters = curveOf(leaf);
      }
      key = new JcaPEMKeyConverter().getPrivateKey(withCurve(found, ecParameters));
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          KEY_ROLE + " " + file + ": unreadable private key: " + e.getMessage(), e);
    }
    if (!key.getAlgorithm().equals("RSA") && !key.getAlgorithm().equals("EC")) {
      throw new IOException(
          KEY_ROLE
              + " "
              + file
              + ": "
              + key.getAlgorithm()
              + " private keys are not supported; use an RSA or EC key");
    }
    return key;
  }

  private static ASN1Encodable curveOf(X509Certificate certificate) {
    AlgorithmIdentifier algorithm =
        SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded()).getAlgorithm();
    return algorithm.getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)
        ? algorithm.getParameters()
        : null;
  }

  /** The JDK refuses an EC key whose algorithm identifier lacks the curve; supply it if known. */
  private static PrivateKeyInfo withCurve(PrivateKeyInfo info, ASN1Encodable curve)
      throws IOException {
    AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
    ASN1Encodable parameters = algorithm.getParameters();
    boolean curveMissing = parameters == null || parameters instanceof ASN1Null;
    if (!algorithm.getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)
        || !curveMissing
        || curve == null) {
      return info;
    }
    return new PrivateKeyInfo(
        new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), info.parsePrivateKey());
  }

  private static void requireKeyMatches(
      PrivateKey key, X509Certificate leaf, Path chainFile, Path keyFile) throws IOException {
    PublicKey certified = leaf.getPublicKey();
    String mismatch =
        "private key file "
            + keyFile
            + " does not match the public key of the first certificate in "
            + chainFile
            + " ("
            + leaf.getSubjectX500Principal().getName()
            + ")";
    String hint =
        "; the chain file must start with the server's own certificate (fullchain.pem, not"
            + " chain.pem) and the key must be the one it was issued for";
    if (!key.getAlgorithm().equals(certified.getAlgorithm())) {
      throw new IOException(
          mismatch
              + ": the key is "
              + key.getAlgorithm()
              + ", the certificate's is "
              + certified.getAlgorithm()
              + hint);
    }
    // Works for every key type without deriving public keys: only the matching key verifies.
    byte[] challenge = "metamirror key check".getBytes(StandardCharsets.US_ASCII);
    String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(challenge);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      // E.g. an EC key on a different curve than the certificate's.
      throw new IOException(mismatch + ": " + e.getMessage() + hint, e);
    }
    if (!matches) {
      throw new IOException(mismatch + hint);
    }
  }

  private static String readPemText(Path file, String role) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString(), null, role + " missing");
    }
    if (!Files.isRegularFile(file)) {
      throw new IOException(role + " " + file + ": not a regular file");
    }
    long size = Files.size(file);
    if (size > MAX_PEM_FILE_BYTES) {
      throw new IOException(
          role + " " + file + ": " + size + " bytes, too large to be a PEM certificate or key");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, role + " missing");
    }
    // PEM is ASCII; Latin-1 decodes any byte, so stray text around the blocks cannot fail here.
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    if (!text.contains("-----BEGIN ")) {
      throw new IOException(
          role
              + " "
              + file
              + ": not a PEM file (no '-----BEGIN' line"
              + (bytes.length == 0 ? "; the file is empty)" : ")"));
    }
    return text;
  }

  /** Every PEM object in the file, in order; a parse failure names the file. */
  private static List<Object> readPemObjects(Path file, String role) throws IOException {
    String text = readPemText(file, role);
    List<Object> objects = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        objects.add(o);
      }
    } catch (IOException | RuntimeException e) {
      // PEMParser throws both: IOException for a missing END line, runtime ones for bad base64/DER.
      throw malformed(role, file, e);
    }
    return objects;
  }

  private static IOException malformed(String role, Path file, Exception e) {
    return new IOException(
        role + " " + file + ": malformed PEM (truncated or corrupt?): " + e.getMessage(), e);
  }

  private static String describe(Object pemObject) {
    if (pemObject instanceof X509CertificateHolder) {
      return "CERTIFICATE";
    }
    if (pemObject instanceof SubjectPublicKeyInfo) {
      return "PUBLIC KEY";
    }
    return pemObject.getClass().getSimpleName();
  }
}
