package io.metamirror.mirror.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code openssl s_client}, the real client, making one connection that GETs {@code /} over
 * HTTP/1.0, and saving or offering a TLS session: what a client that resumes does (curl keeps its
 * sessions the same way between connections).
 */
final class OpensslClient {
  private final Path caPem;
  private final int port;

  OpensslClient(Path caPem, int port) {
    this.caPem = caPem;
    this.port = port;
  }

  /**
   * One connection with {@code protocolFlag} ({@code -tls1_3}, {@code -tls1_2}): reads the session
   * from {@code sessionIn} if it exists and is given, writes the session to {@code sessionOut}.
   * Returns s_client's output; its {@code New,} or {@code Reused,} line says whether the handshake
   * resumed.
   */
  String connect(String protocolFlag, Path sessionIn, Path sessionOut)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-CAfile",
                caPem.toString(),
                "-verify_return_error",
                protocolFlag,
                // Waits for the server to close after the answer: the TLS 1.3 session ticket comes
                // after the handshake, and only a client that reads on receives it.
                "-ign_eof",
                "-sess_out",
                sessionOut.toString()));
    if (sessionIn != null) {
      command.addAll(List.of("-sess_in", sessionIn.toString()));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (OutputStream in = process.getOutputStream()) {
      in.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("openssl s_client did not finish: " + out);
    }
    if (process.exitValue() != 0) {
      throw new AssertionError("openssl s_client exited " + process.exitValue() + ": " + out);
    }
    return out;
  }
}
