package io.metamirror.mirror.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one certificate chain and key from two PEM files, and picks up a renewal without a
 * restart.
 *
 * <p><b>When it reloads.</b> At most once per {@code checkInterval}, the first TLS handshake after
 * the interval has passed stats both files (size, modification time and file key, i.e. inode, after
 * following symlinks as certbot's {@code live/} directory needs). If either differs from what was
 * last loaded, both files are read again with {@link PemKeyMaterial#load}. The check runs on the
 * handshaking thread but takes the lock with {@code tryLock}: concurrent handshakes never wait and
 * are served the material already loaded. {@link #checkNow()} does the same check on demand (for a
 * scheduler or a test), and {@link #reload()} rereads unconditionally (for an admin action, or a
 * rewrite that kept size, mtime and inode). New handshakes use the new material; open connections
 * keep the certificate they were established with.
 *
 * <p><b>When a reload fails</b>, e.g. because a renewal has written the certificate but not yet the
 * key, or a file is half-written: the previous material stays in service, the failure is recorded
 * ({@link #lastFailure()}, for health and logs) and logged once per distinct message, and the next
 * check retries because the files still differ from what was loaded. A successful load clears the
 * failure. The first load, in {@link #open}, must succeed: a node does not start without a
 * certificate.
 *
 * <p><b>Consistency.</b> The alias returned to the TLS stack names a generation of material, so a
 * handshake that chose an alias just before a reload still gets the chain and key of that same
 * generation (the previous generation is kept for exactly this).
 *
 * <p><b>Threads.</b> {@link #state} is replaced whole (volatile, immutable); {@link #reloadLock}
 * serializes file reads and writes to {@link #state}, {@link #lastFailure} and {@link
 * #nextCheckAt}.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private static final Logger log = LoggerFactory.getLogger(ReloadingKeyManager.class);

  /** Cheap (two stats) and short enough that a renewal is live within seconds. */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(10);

  private static final String ALIAS_PREFIX = "metamirror-";

  /** A reload that did not take: when, and why. */
  public record Failure(Instant at, String message) {}

  private record Stamp(long size, Instant modified, Object fileKey) {}

  private record Generation(long number, PemKeyMaterial material, Stamp chain, Stamp key) {
    String alias() {
      return ALIAS_PREFIX + number;
    }
  }

  private record State(Generation current, Generation previous) {}

  private final Path chainFile;
  private final Path keyFile;
  private final Clock clock;
  private final Duration checkInterval;
  private final ReentrantLock reloadLock = new ReentrantLock();

  private volatile State state;
  private volatile Failure lastFailure;
  private volatile Instant loadedAt;

  /** Guarded by reloadLock for writes; read without it to decide whether a check is due. */
  private volatile Instant lastCheckAt;

  private ReloadingKeyManager(
      Path chainFile, Path keyFile, Clock clock, Duration checkInterval, Generation first) {
    this.chainFile = chainFile;
    this.keyFile = keyFile;
    this.clock = clock;
    this.checkInterval = checkInterval;
    this.state = new State(first, null);
    this.loadedAt = clock.instant();
    this.lastCheckAt = loadedAt;
  }

  /** Loads the files now, checking for changes every {@link #DEFAULT_CHECK_INTERVAL}. */
  public static ReloadingKeyManager open(Path certificateChainFile, Path privateKeyFile)
      throws IOException {
    return open(certificateChainFile, privateKeyFile, Clock.systemUTC(), DEFAULT_CHECK_INTERVAL);
  }

  /**
   * Loads the files now, or fails with the {@link PemKeyMaterial#load} error; afterwards checks for
   * changes at most once per {@code checkInterval} of {@code clock} time (zero: on every
   * handshake).
   */
  public static ReloadingKeyManager open(
      Path certificateChainFile, Path privateKeyFile, Clock clock, Duration checkInterval)
      throws IOException {
    Objects.requireNonNull(certificateChainFile, "certificateChainFile");
    Objects.requireNonNull(privateKeyFile, "privateKeyFile");
    Objects.requireNonNull(clock, "clock");
    if (checkInterval.isNegative()) {
      throw new IllegalArgumentException("checkInterval < 0: " + checkInterval);
    }
    Generation first = load(1, certificateChainFile, privateKeyFile);
    log.info(
        "event=tls_loaded chain={} serial={} not_after={}",
        certificateChainFile,
        first.material().leaf().getSerialNumber().toString(16),
        first.material().leaf().getNotAfter().toInstant());
    return new ReloadingKeyManager(
        certificateChainFile, privateKeyFile, clock, checkInterval, first);
  }

  /** The material new handshakes are served. */
  public PemKeyMaterial current() {
    return state.current().material();
  }

  /** When the material in service was loaded. */
  public Instant loadedAt() {
    return loadedAt;
  }

  /** The last reload failure, if the last load attempt failed; empty once a load succeeds. */
  public Optional<Failure> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /**
   * Stats both files now, regardless of the interval, and reloads if either changed. Returns
   * whether new material went into service; a failure is recorded in {@link #lastFailure()}, not
   * thrown. Waits if another check is running.
   */
  public boolean checkNow() {
    reloadLock.lock();
    try {
      return checkLocked(false);
    } finally {
      reloadLock.unlock();
    }
  }

  /**
   * Rereads both files now, changed or not. On failure the previous material stays in service, the
   * failure is recorded in {@link #lastFailure()}, and thrown.
   */
  public void reload() throws IOException {
    reloadLock.lock();
    try {
      lastCheckAt = clock.instant();
      loadNextGeneration(lastCheckAt);
    } finally {
      reloadLock.unlock();
    }
  }

  /** Runs a check if one is due and no other thread is running one; never blocks a handshake. */
  private void checkIfDue() {
    if (isDue(clock.instant()) && reloadLock.tryLock()) {
      try {
        checkLocked(true);
      } finally {
        reloadLock.unlock();
      }
    }
  }

  private boolean isDue(Instant now) {
    Instant last = lastCheckAt;
    // A clock stepped backwards must not postpone checks until it catches up again.
    return !now.isBefore(last.plus(checkInterval)) || now.isBefore(last);
  }

  private boolean checkLocked(boolean onlyIfDue) {
    Instant now = clock.instant();
    if (onlyIfDue && !isDue(now)) {
      return false; // another thread checked between the caller's look and taking the lock
    }
    lastCheckAt = now;
    Generation current = state.current();
    try {
      if (stamp(chainFile, PemKeyMaterial.CHAIN_ROLE).equals(current.chain())
          && stamp(keyFile, PemKeyMaterial.KEY_ROLE).equals(current.key())) {
        lastFailure = null; // e.g. a broken renewal was rolled back to the files in service
        return false;
      }
    } catch (IOException e) {
      recordFailure(now, e);
      return false;
    }
    try {
      loadNextGeneration(now);
      return true;
    } catch (IOException e) {
      return false; // recorded by loadNextGeneration
    }
  }

  /** Puts freshly read material into service, or records and throws why it could not. */
  private void loadNextGeneration(Instant now) throws IOException {
    State before = state;
    Generation next;
    try {
      next = load(before.current().number() + 1, chainFile, keyFile);
    } catch (IOException e) {
      recordFailure(now, e);
      throw e;
    }
    state = new State(next, before.current());
    loadedAt = now;
    lastFailure = null;
    X509Certificate leaf = next.material().leaf();
    log.info(
        "event=tls_reloaded chain={} serial={} not_after={} previous_serial={}",
        chainFile,
        leaf.getSerialNumber().toString(16),
        leaf.getNotAfter().toInstant(),
        before.current().material().leaf().getSerialNumber().toString(16));
  }

  private void recordFailure(Instant now, IOException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    Failure previous = lastFailure;
    if (previous == null || !previous.message().equals(message)) {
      log.warn(
          "event=tls_reload_failed keeping_serial={} error=\"{}\"",
          current().leaf().getSerialNumber().toString(16),
          message);
    }
    lastFailure = new Failure(now, message);
  }

  /** Stamps are taken before reading, so a write racing the read shows up at the next check. */
  private static Generation load(long number, Path chainFile, Path keyFile) throws IOException {
    Stamp chainStamp = stamp(chainFile, PemKeyMaterial.CHAIN_ROLE);
    Stamp keyStamp = stamp(keyFile, PemKeyMaterial.KEY_ROLE);
    return new Generation(number, PemKeyMaterial.load(chainFile, keyFile), chainStamp, keyStamp);
  }

  private static Stamp stamp(Path file, String role) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(a.size(), a.lastModifiedTime().toInstant(), a.fileKey());
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, role + " missing");
    }
  }

  private Generation generationFor(String alias) {
    State s = state;
    if (alias == null) {
      return null;
    }
    if (alias.equals(s.current().alias())) {
      return s.current();
    }
    if (s.previous() != null && alias.equals(s.previous().alias())) {
      return s.previous();
    }
    return null;
  }

  /**
   * Whether the current key suits the key type the TLS stack asks for: {@code "EC"}, {@code "RSA"},
   * or, for TLS 1.2's ECDH suites, {@code "EC_EC"}/{@code "EC_RSA"} (key type, then the algorithm
   * the certificate must be signed with), the same reading as the JDK's own key managers.
   */
  private static boolean suits(Generation g, String keyType) {
    if (keyType == null) {
      return false;
    }
    String keyAlgorithm = keyType;
    String signedWith = null;
    int underscore = keyType.indexOf('_');
    if (underscore >= 0) {
      keyAlgorithm = keyType.substring(0, underscore);
      signedWith = keyType.substring(underscore + 1);
    }
    PemKeyMaterial m = g.material();
    if (!m.privateKey().getAlgorithm().equals(keyAlgorithm)) {
      return false;
    }
    return signedWith == null
        || m.leaf().getSigAlgName().toUpperCase(Locale.ROOT).contains("WITH" + signedWith);
  }

  private String serverAlias(String keyType) {
    checkIfDue();
    Generation g = state.current();
    return suits(g, keyType) ? g.alias() : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return serverAlias(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return serverAlias(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    Generation g = state.current();
    return suits(g, keyType) ? new String[] {g.alias()} : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Generation g = generationFor(alias);
    return g == null ? null : g.material().chain().toArray(new X509Certificate[0]);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Generation g = generationFor(alias);
    return g == null ? null : g.material().privateKey();
  }

  /** Server-only: never offers a client certificate. */
  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  /** Server-only: never offers a client certificate. */
  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  /** Server-only: never offers a client certificate. */
  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
