package io.metamirror.cli.mirror;

import io.metamirror.cli.Main;
import io.metamirror.mirror.tls.LocalCa;
import io.metamirror.testsupport.process.ChildJvm;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code mirror serve} over HTTPS as node n1 on 127.0.0.1, a free port, in a child JVM. */
final class TlsNodeCommand {
  private TlsNodeCommand() {}

  /** The command, not started, with {@code more} options appended. */
  static ProcessBuilder of(
      List<String> jvmOptions, URI origin, Path store, LocalCa.Issued cert, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "mirror",
                "serve",
                "--origin",
                origin.toString(),
                "--store",
                store.toString(),
                "--listen",
                "127.0.0.1:0",
                "--node-id",
                "n1",
                "--tls-cert",
                cert.chainFile().toString(),
                "--tls-key",
                cert.keyFile().toString()));
    args.addAll(List.of(more));
    return ChildJvm.command(Main.class, jvmOptions, args.toArray(String[]::new));
  }
}
