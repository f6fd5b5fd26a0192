package io.metamirror.mirror.tls;

import java.security.Provider;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS implementation a mirror's HTTPS listener uses (issue 21: a new handshake cost the JDK's
 * 4.5 times nginx's CPU).
 *
 * <ul>
 *   <li>{@link #CONSCRYPT}: Google's Conscrypt, BoringSSL behind the JSSE API; its native library
 *       ships inside the jar for linux-x86_64 (and macOS, Windows) and is unpacked into {@code
 *       org.conscrypt.native.workdir}, else {@code java.io.tmpdir}, when first used.
 *   <li>{@link #JDK}: the JDK's own SunJSSE, which runs anywhere Java does.
 *   <li>{@link #AUTO}, the default: Conscrypt when its native library loads, the JDK otherwise
 *       (another CPU, a temp directory that cannot hold or execute it).
 * </ul>
 *
 * {@link #resolve} makes the choice once per server context and logs it as one line.
 */
public enum TlsProvider {
  AUTO,
  CONSCRYPT,
  JDK;

  private static final Logger log = LoggerFactory.getLogger(TlsProvider.class);

  /** What {@link #resolve} chose: {@code provider} null for the JDK's default. */
  public record Resolved(TlsProvider kind, Provider provider) {
    /**
     * Readies a server engine of this provider for resumption. The JDK issues TLS 1.3 tickets and
     * keeps TLS 1.2 sessions by default; Conscrypt sets BoringSSL's {@code SSL_OP_NO_TICKET} unless
     * told otherwise, and without tickets BoringSSL resumes no TLS 1.3 session at all. Its ticket
     * keys are random per process and rotated by BoringSSL, so a restart only costs clients one
     * full handshake.
     */
    SSLEngine forServer(SSLEngine engine) {
      if (kind == CONSCRYPT && Conscrypt.isConscrypt(engine)) {
        Conscrypt.setUseSessionTickets(engine, true);
      }
      return engine;
    }
  }

  /** The option's spelling: {@code auto}, {@code conscrypt} or {@code jdk}. */
  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads an option value, in any case; the message lists what is accepted. */
  public static TlsProvider parse(String value) {
    for (TlsProvider p : values()) {
      if (p.optionValue().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "TLS provider must be auto, conscrypt or jdk, not \"" + value + "\"");
  }

  /**
   * The provider to create server contexts with. {@code CONSCRYPT} whose library cannot load is an
   * {@link IllegalStateException} naming why; {@code AUTO} then falls back to the JDK.
   */
  public Resolved resolve() {
    return resolve(TlsProvider::loadConscrypt);
  }

  /** As {@link #resolve()}, loading Conscrypt through {@code conscrypt} (a seam for tests). */
  Resolved resolve(Supplier<Provider> conscrypt) {
    if (this == JDK) {
      log.info("event=tls_provider provider=jdk requested=jdk");
      return new Resolved(JDK, null);
    }
    Provider loaded;
    try {
      loaded = conscrypt.get();
    } catch (LinkageError | RuntimeException e) {
      String why = reason(e);
      if (this == CONSCRYPT) {
        throw new IllegalStateException(
            "TLS provider conscrypt: its native library cannot load here (" + why + ")", e);
      }
      log.warn("event=tls_provider provider=jdk requested=auto reason=\"{}\"", why);
      return new Resolved(JDK, null);
    }
    log.info("event=tls_provider provider=conscrypt requested={}", optionValue());
    return new Resolved(CONSCRYPT, loaded);
  }

  private static Provider loadConscrypt() {
    // Throws the UnsatisfiedLinkError that stopped the native library, with every path tried.
    Conscrypt.checkAvailability();
    return Conscrypt.newProvider();
  }

  /**
   * One line: the first line of each message down the cause chain, e.g. Conscrypt's "Failed
   * creating temp file (…)" and, under it, the "noexec" hint of the copy it could not run.
   */
  private static String reason(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null) {
        String first = t.getMessage().lines().findFirst().orElse("");
        if (!first.isBlank() && sb.indexOf(first) < 0) {
          sb.append(sb.length() == 0 ? "" : ": ").append(first);
        }
      }
    }
    return (sb.length() == 0 ? e.getClass().getName() : sb.toString()).replace('"', '\'');
  }
}
