package io.metamirror.dns.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real AWS API emulator, {@code moto_server}, as a child process on a free loopback port: one
 * per test JVM (it starts in about a second), stopped when the JVM exits, reset by {@link #reset}
 * before each test. Tests skip only when {@code moto_server} is not on the PATH ({@code
 * scripts/test} installs it).
 */
public final class MotoServer {
  private static MotoServer shared;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final URI endpoint;

  private MotoServer(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  /**
   * The running emulator, started on first use; skips the calling test when it is not installed.
   */
  public static synchronized MotoServer get() throws Exception {
    assumeTrue(onPath("moto_server"), "moto_server is not on PATH (scripts/test installs it)");
    if (shared == null || !shared.process.isAlive()) {
      shared = start();
    }
    return shared;
  }

  public URI endpoint() {
    return endpoint;
  }

  /** Clears every service's state. */
  public void reset() throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("moto reset answered " + r.statusCode() + ": " + r.body());
    }
  }

  private static MotoServer start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("moto-server", ".log");
    Process p =
        new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroy, "moto-server-stop"));
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("moto_server exited: " + Files.readString(log));
      }
      try {
        HTTP.send(
            HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).build(),
            HttpResponse.BodyHandlers.discarding());
        return new MotoServer(p, endpoint);
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    p.destroy();
    throw new IOException("moto_server did not answer within 30 s: " + Files.readString(log));
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
