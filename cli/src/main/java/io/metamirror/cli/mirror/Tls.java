package io.metamirror.cli.mirror;

import io.metamirror.mirror.tls.ReloadingKeyManager;
import java.io.IOException;
import java.nio.file.Path;

/** The server's TLS key material from PEM files, reloaded when the files change (ACME renewals). */
final class Tls {
  private Tls() {}

  static ReloadingKeyManager serverKeys(Path cert, Path key) throws IOException {
    return ReloadingKeyManager.open(cert, key);
  }
}
