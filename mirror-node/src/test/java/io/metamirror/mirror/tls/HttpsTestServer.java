package io.metamirror.mirror.tls;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;

/** An Undertow HTTPS listener on 127.0.0.1, port 0, answering every request with "ok". */
final class HttpsTestServer implements AutoCloseable {
  private final Undertow undertow;
  private final int port;

  private HttpsTestServer(Undertow undertow) {
    this.undertow = undertow;
    this.port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  static HttpsTestServer start(SSLContext serverContext) {
    return start(serverContext, false);
  }

  /** As {@link #start(SSLContext)}, offering HTTP/2 through ALPN when {@code http2}. */
  static HttpsTestServer start(SSLContext serverContext, boolean http2) {
    Undertow undertow =
        Undertow.builder()
            .addHttpsListener(0, "127.0.0.1", serverContext)
            .setServerOption(UndertowOptions.ENABLE_HTTP2, http2)
            .setIoThreads(1)
            .setWorkerThreads(2)
            .setHandler(exchange -> exchange.getResponseSender().send("ok"))
            .build();
    undertow.start();
    return new HttpsTestServer(undertow);
  }

  int port() {
    return port;
  }

  URI uri(String path) {
    return URI.create("https://127.0.0.1:" + port + path);
  }

  /**
   * GETs {@code path} over a new connection from a new client that trusts only {@code caPem}; a new
   * client has no pooled connection and no TLS session to resume, so this is a full handshake.
   */
  HttpResponse<String> get(Path caPem, String path) throws IOException, InterruptedException {
    return get(caPem, path, HttpClient.Version.HTTP_1_1);
  }

  /** As {@link #get(Path, String)}, offering {@code version} (HTTP/2 through ALPN). */
  HttpResponse<String> get(Path caPem, String path, HttpClient.Version version)
      throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .version(version)
            .sslContext(TlsContexts.trusting(caPem))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    return client.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static X509Certificate servedCertificate(HttpResponse<?> response) throws IOException {
    SSLSession session =
        response.sslSession().orElseThrow(() -> new AssertionError("response was not over TLS"));
    return (X509Certificate) session.getPeerCertificates()[0];
  }

  static BigInteger servedSerial(HttpResponse<?> response) throws IOException {
    return servedCertificate(response).getSerialNumber();
  }

  @Override
  public void close() {
    undertow.stop();
  }
}
