package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --fallback-timeout} bounds the whole origin request of a local miss: connecting, waiting
 * for the headers, and reading the body. An origin that hangs at any of these steps costs a client
 * at most that long, then a 502; the node goes on serving.
 */
class FallbackDeadlineTest {
  /** The deadline under test. */
  private static final Duration DEADLINE = Duration.ofSeconds(1);

  /**
   * Generous slack over {@link #DEADLINE}, and still far below both the default total timeout (5 s)
   * and the connect timeout these nodes get ({@link #LONG_CONNECT}).
   */
  private static final long ANSWERED_WITHIN_MILLIS = 4_000;

  /** Longer than the deadline on purpose: the deadline, not the connect timeout, must end it. */
  private static final Duration LONG_CONNECT = Duration.ofSeconds(30);

  private static final byte[] PACKAGES = "{}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void originThatAcceptsAndNeverAnswersIs502WithinTheDeadline() throws Exception {
    try (SilentOrigin silent = SilentOrigin.neverAnswering()) {
      assertMissIs502WithinTheDeadline(silent.uri());
    }
  }

  @Test
  void originThatStopsInTheMiddleOfTheBodyIs502WithinTheDeadline() throws Exception {
    try (SilentOrigin silent = SilentOrigin.stoppingInTheBody()) {
      assertMissIs502WithinTheDeadline(silent.uri());
    }
  }

  @Test
  void originWhoseConnectionsNeverCompleteIs502WithinTheDeadline() throws Exception {
    try (SilentOrigin silent = SilentOrigin.notAccepting()) {
      assertMissIs502WithinTheDeadline(silent.uri());
    }
  }

  private void assertMissIs502WithinTheDeadline(URI fallbackOrigin) throws Exception {
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"))) {
      long head = origin.publish(Map.of("packages.json", PACKAGES));
      TestTls tls = TestTls.create(dir.resolve("tls"));
      HttpsClient client = new HttpsClient(tls);
      MirrorNodeConfig config =
          TestNodes.config(fallbackOrigin, origin.uri(), dir.resolve("n"), tls, "n")
              .withFallback(LONG_CONNECT, DEADLINE, Duration.ZERO, Duration.ofSeconds(5));
      try (MirrorNode node = TestNodes.startCaughtUp(config, head)) {
        long start = System.nanoTime();
        HttpResponse<byte[]> miss = client.get(node, "/p2/acme/missing.json");
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(502, miss.statusCode(), HttpsClient.text(miss));
        assertEquals("origin", header(miss, "X-Metamirror-Source"));
        assertTrue(
            tookMillis < ANSWERED_WITHIN_MILLIS,
            "answered after "
                + tookMillis
                + " ms with a deadline of "
                + DEADLINE.toMillis()
                + " ms");
        HttpResponse<byte[]> local = client.get(node, "/packages.json");
        assertEquals(200, local.statusCode());
        assertArrayEquals(PACKAGES, local.body());
      }
    }
  }

  /**
   * A fault seam: an origin on a loopback port that hangs at one step of an answer and holds every
   * connection open until closed. A real origin cannot be made to do this on demand.
   */
  private static final class SilentOrigin implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private SilentOrigin(ServerSocket server, boolean accept, byte[] answerStart) {
      this.server = server;
      this.acceptor =
          new Thread(
              () -> {
                while (accept && !server.isClosed()) {
                  try {
                    Socket s = server.accept();
                    held.add(s);
                    answerAfterRequest(s, answerStart);
                  } catch (IOException e) {
                    return; // closed
                  }
                }
              },
              "silent-origin");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    /** Accepts, reads the request, never writes a byte. */
    static SilentOrigin neverAnswering() throws IOException {
      return new SilentOrigin(listen(50), true, new byte[0]);
    }

    /** Sends the status line, headers promising 4096 bytes, and 10 of them; then nothing. */
    static SilentOrigin stoppingInTheBody() throws IOException {
      String head =
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n";
      return new SilentOrigin(
          listen(50), true, (head + "{\"packages").getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Never accepts, and its accept queue (backlog 1) is filled here first: Linux then drops the
     * node's SYNs, so its connect hangs as it does towards a host that has gone away.
     */
    static SilentOrigin notAccepting() throws IOException {
      SilentOrigin origin = new SilentOrigin(listen(1), false, null);
      for (int i = 0; i < 4; i++) {
        Socket filler = new Socket();
        try {
          filler.connect(origin.server.getLocalSocketAddress(), 200);
          origin.held.add(filler);
        } catch (IOException e) {
          filler.close();
          break; // the queue is full
        }
      }
      return origin;
    }

    private static ServerSocket listen(int backlog) throws IOException {
      ServerSocket s = new ServerSocket();
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
      return s;
    }

    private static void answerAfterRequest(Socket s, byte[] answerStart) {
      Thread t =
          new Thread(
              () -> {
                try {
                  InputStream in = s.getInputStream();
                  int matched = 0; // of "\r\n\r\n"
                  int b;
                  while (matched < 4 && (b = in.read()) >= 0) {
                    matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                  }
                  OutputStream out = s.getOutputStream();
                  out.write(answerStart);
                  out.flush();
                } catch (IOException ignored) {
                  // the node gave up and closed: that is what the test waits for
                }
              },
              "silent-origin-connection");
      t.setDaemon(true);
      t.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/");
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
