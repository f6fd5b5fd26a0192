package io.metamirror.cli.mirror;

import io.metamirror.mirror.tls.ReloadingKeyManager;
import io.metamirror.mirror.tls.TlsContexts;
import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/** The server's TLS context from PEM files, reloaded when the files change (ACME renewals). */
final class Tls {
  private Tls() {}

  static SSLContext serverContext(Path cert, Path key) throws IOException {
    return TlsContexts.serverContext(ReloadingKeyManager.open(cert, key));
  }
}
