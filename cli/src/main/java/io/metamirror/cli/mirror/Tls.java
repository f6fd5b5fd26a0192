package io.metamirror.cli.mirror;

import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/** The server's TLS context from PEM files; filled in when the TLS package lands. */
final class Tls {
  private Tls() {}

  static SSLContext serverContext(Path cert, Path key) {
    throw new io.metamirror.cli.ExitCodes.UserError("TLS is not wired in yet");
  }
}
