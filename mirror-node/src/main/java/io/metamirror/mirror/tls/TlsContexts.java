package io.metamirror.mirror.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The two {@link SSLContext}s metamirror needs: a server's, backed by a {@link
 * ReloadingKeyManager}, and a client's that trusts one private CA.
 */
public final class TlsContexts {
  /**
   * The protocols a mirror speaks, newest first; older ones are broken or deprecated (RFC 8996).
   */
  public static final List<String> SERVER_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /**
   * How long a client may resume a session instead of a full handshake: a day, as nginx's {@code
   * ssl_session_timeout} is commonly set (the JDK's default too), and longer than any Composer or
   * pip run keeps its connections.
   */
  public static final int SESSION_LIFETIME_SECONDS = 86_400;

  private TlsContexts() {}

  /** {@link #serverContext(ReloadingKeyManager, TlsProvider)} with {@link TlsProvider#AUTO}. */
  public static SSLContext serverContext(ReloadingKeyManager keyManager) {
    return serverContext(keyManager, TlsProvider.AUTO);
  }

  /**
   * A server context for {@code Undertow.builder().addHttpsListener(port, host, context)}, from the
   * provider {@code choice} resolves to (logged as one line): it presents whatever {@code
   * keyManager} currently serves, and every engine and server socket it creates enables only {@link
   * #SERVER_PROTOCOLS}. An {@code SSL_ENABLED_PROTOCOLS} option set on the Undertow listener still
   * overrides this per engine. Sessions are resumable with either provider: TLS 1.3 tickets, TLS
   * 1.2 session IDs (and tickets with Conscrypt), for {@link #SESSION_LIFETIME_SECONDS}.
   */
  public static SSLContext serverContext(ReloadingKeyManager keyManager, TlsProvider choice) {
    TlsProvider.Resolved resolved = choice.resolve();
    SSLContext inner;
    try {
      inner =
          resolved.provider() == null
              ? SSLContext.getInstance("TLS")
              : SSLContext.getInstance("TLS", resolved.provider());
      inner.init(new KeyManager[] {keyManager}, null, null);
    } catch (GeneralSecurityException e) {
      // Both providers have "TLS" and accept a key manager: this is a broken runtime, not input.
      throw new IllegalStateException(
          "cannot create a TLS server context with " + resolved.kind().optionValue(), e);
    }
    inner.getServerSessionContext().setSessionTimeout(SESSION_LIFETIME_SECONDS);
    String[] protocols =
        SERVER_PROTOCOLS.stream()
            .filter(Arrays.asList(inner.getSupportedSSLParameters().getProtocols())::contains)
            .toArray(String[]::new);
    if (protocols.length == 0) {
      throw new IllegalStateException(
          resolved.kind().optionValue()
              + " supports none of "
              + SERVER_PROTOCOLS
              + " for a TLS server context");
    }
    return new SSLContext(
        new ProtocolPinningSpi(inner, protocols, resolved), inner.getProvider(), "TLS") {};
  }

  /**
   * A client context (e.g. for {@code HttpClient.newBuilder().sslContext(...)}) that trusts the
   * certificates in {@code caPem}, and only those: the JDK's default CAs are not included. Hostname
   * verification stays on; it is the HTTP client's, not the context's.
   */
  public static SSLContext trusting(Path caPem) throws IOException {
    List<X509Certificate> cas = PemKeyMaterial.readCertificates(caPem, "CA certificate file");
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        trusted.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("CA certificate file " + caPem + ": cannot trust it: " + e, e);
    }
  }

  /**
   * Delegates to a provider's context and narrows the protocols of what it creates. The JDK has no
   * per-context protocol setting, only per engine or the global {@code jdk.tls.server.protocols}.
   * Engines are also readied for resumption ({@link TlsProvider.Resolved#forServer}).
   */
  private static final class ProtocolPinningSpi extends SSLContextSpi {
    private final SSLContext delegate;
    private final String[] protocols;
    private final TlsProvider.Resolved provider;

    ProtocolPinningSpi(SSLContext delegate, String[] protocols, TlsProvider.Resolved provider) {
      this.delegate = delegate;
      this.protocols = protocols;
      this.provider = provider;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
        throws KeyManagementException {
      delegate.init(km, tm, random);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return pinned(delegate.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return pinned(delegate.createSSLEngine(host, port));
    }

    private SSLEngine pinned(SSLEngine engine) {
      engine.setEnabledProtocols(protocols.clone());
      return provider.forServer(engine);
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      SSLParameters parameters = delegate.getDefaultSSLParameters();
      parameters.setProtocols(protocols.clone());
      return parameters;
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return delegate.getSupportedSSLParameters();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return new PinnedServerSocketFactory(delegate.getServerSocketFactory(), protocols);
    }

    /** Client sockets from a server context are not pinned; metamirror never makes them. */
    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return delegate.getSocketFactory();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return delegate.getClientSessionContext();
    }
  }

  private static final class PinnedServerSocketFactory extends SSLServerSocketFactory {
    private final SSLServerSocketFactory delegate;
    private final String[] protocols;

    PinnedServerSocketFactory(SSLServerSocketFactory delegate, String[] protocols) {
      this.delegate = delegate;
      this.protocols = protocols;
    }

    private ServerSocket pinned(ServerSocket socket) {
      ((SSLServerSocket) socket).setEnabledProtocols(protocols.clone());
      return socket;
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
      return pinned(delegate.createServerSocket());
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return pinned(delegate.createServerSocket(port));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      return pinned(delegate.createServerSocket(port, backlog));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
        throws IOException {
      return pinned(delegate.createServerSocket(port, backlog, address));
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }
  }
}
