package io.metamirror.cli.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.mirror.tls.LocalCa;
import io.metamirror.testsupport.disk.Tmpfs;
import io.metamirror.testsupport.origin.TestOrigin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mirror serve --tls-provider} as a real process on a machine where Conscrypt's native
 * library cannot load: its work directory is a {@code noexec} tmpfs, as a hardened host's temp
 * directory often is, so the library it unpacks there cannot be mapped. {@code auto} serves with
 * the JDK and says so in one log line; {@code conscrypt} by name refuses to start. curl is the
 * client.
 */
class MirrorServeTlsProviderTest {
  @TempDir Path dir;
  @RegisterExtension final Tmpfs tmpfs = new Tmpfs();

  private LocalCa ca;
  private LocalCa.Issued cert;
  private Path noexecWorkdir;

  @BeforeEach
  void certificate() throws Exception {
    ca = LocalCa.create(dir.resolve("ca"));
    cert = ca.issue(dir.resolve("tls"), "node", List.of("localhost"), List.of("127.0.0.1"));
    noexecWorkdir = tmpfs.mount(dir.resolve("noexec"), "16m", "noexec");
  }

  private ProcessBuilder serve(TestOrigin origin, String provider, Path stderr) {
    return TlsNodeCommand.of(
            List.of("-Dorg.conscrypt.native.workdir=" + noexecWorkdir),
            origin.uri(),
            dir.resolve("store"),
            cert,
            "--tls-provider",
            provider)
        .redirectError(stderr.toFile());
  }

  @Test
  void autoServesWithTheJdkWhenConscryptsLibraryCannotLoad() throws Exception {
    Path stderr = dir.resolve("stderr.txt");
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"))) {
      Process node = serve(origin, "auto", stderr).start();
      try {
        String health = ServingLine.read(node).resolve(".metamirror/health").toString();
        Process curl =
            new ProcessBuilder(
                    new ArrayList<>(
                        List.of(
                            "curl",
                            "-sS",
                            "--cacert",
                            ca.certificateFile().toString(),
                            "-o",
                            "/dev/null",
                            "-w",
                            "%{http_version} %{ssl_verify_result}",
                            health)))
                .redirectErrorStream(true)
                .start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, curl.exitValue(), out);
        assertEquals("2 0", out, "HTTP/2 over a verified TLS connection");
        String log = Files.readString(stderr);
        assertTrue(
            log.contains("event=tls_provider provider=jdk requested=auto reason="),
            "one line says which provider and why: " + log);
      } finally {
        node.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void conscryptByNameRefusesToStartWhenItsLibraryCannotLoad() throws Exception {
    Path stderr = dir.resolve("stderr.txt");
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"))) {
      Process node = serve(origin, "conscrypt", stderr).start();
      assertTrue(node.waitFor(60, TimeUnit.SECONDS), "exits instead of serving");
      assertEquals(1, node.exitValue(), "a failure of the machine, not of the command line");
      List<String> lines = Files.readAllLines(stderr);
      assertTrue(
          lines.stream()
              .anyMatch(
                  l ->
                      l.startsWith(
                              "metamirror: TLS provider conscrypt: its native library cannot"
                                  + " load here (Failed creating temp file")
                          && l.contains("noexec")),
          "one line naming why: " + lines);
    }
  }
}
