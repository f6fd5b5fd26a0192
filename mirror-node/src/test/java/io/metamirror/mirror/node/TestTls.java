package io.metamirror.mirror.node;

import io.metamirror.mirror.tls.LocalCa;
import io.metamirror.mirror.tls.ReloadingKeyManager;
import io.metamirror.mirror.tls.TlsContexts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;

/** A test CA, a node certificate for localhost/127.0.0.1 it signed, and a client trusting it. */
record TestTls(Path caPem, SSLContext server, SSLContext client) {
  static TestTls create(Path dir) throws IOException {
    LocalCa ca = LocalCa.create(dir.resolve("ca"));
    LocalCa.Issued issued =
        ca.issue(dir.resolve("node"), "node", List.of("localhost"), List.of("127.0.0.1"));
    SSLContext server =
        TlsContexts.serverContext(ReloadingKeyManager.open(issued.chainFile(), issued.keyFile()));
    return new TestTls(ca.certificateFile(), server, TlsContexts.trusting(ca.certificateFile()));
  }
}
