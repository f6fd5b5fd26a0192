package io.metamirror.mirror.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.sync.agent.SyncAgent;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --io-threads} bounds how many requests run on a CPU at once, not how many clients are
 * served: a connection holds no I/O thread while it waits for its client. With a single I/O thread,
 * clients that stop halfway through their request, or stop reading halfway through a large answer,
 * must not keep a new client from being answered. A server that parked its thread on either (a
 * blocking read or write) would leave the new client without an answer until the guard timeout
 * fails the test; a passing run waits for nothing.
 */
class IoThreadsTest {
  /** Of each kind: many times the one I/O thread. */
  private static final int STALLED_CLIENTS = 8;

  private static final byte[] PACKAGES = "{\"packages\":[]}".getBytes(StandardCharsets.UTF_8);

  /**
   * Far more than loopback socket buffers hold, so a client that stops reading stalls its answer.
   */
  private static final int LARGE_BYTES = 32 << 20;

  /** A name that gets no precompressed twin: the answer is sent from the file as it is. */
  private static final String LARGE = "dist/large.zip";

  private static final Duration HANG_GUARD = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void oneIoThreadAnswersANewClientWhileOthersStallMidRequestOrStopReading() throws Exception {
    byte[] large = new byte[LARGE_BYTES];
    new Random(16).nextBytes(large);
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"))) {
      long head = origin.publish(Map.of("packages.json", PACKAGES, LARGE, large));
      MirrorNodeConfig config =
          MirrorNodeConfig.defaults(origin.uri(), dir.resolve("n"))
              .withSync(SyncAgent.Config.defaults(origin.uri()).withParallel(4))
              .withIoThreads(1);
      try (MirrorNode node = TestNodes.startCaughtUp(config, head)) {
        List<Socket> stalled = new ArrayList<>();
        try {
          for (int i = 0; i < STALLED_CLIENTS; i++) {
            Socket reader = connect(node, stalled);
            send(reader, "GET /" + LARGE + " HTTP/1.1\r\nHost: mirror\r\n\r\n");
            assertTrue(readHead(reader.getInputStream()).startsWith("HTTP/1.1 200"));
            // ...and reads no further: the answer's bytes back up into the server.
            send(connect(node, stalled), "GET /packages.json HTTP/1.1\r\nHo");
          }

          HttpResponse<byte[]> fresh =
              HttpClient.newBuilder()
                  .connectTimeout(HANG_GUARD)
                  .build()
                  .send(
                      HttpRequest.newBuilder(node.uri().resolve("/packages.json"))
                          .timeout(HANG_GUARD)
                          .build(),
                      HttpResponse.BodyHandlers.ofByteArray());

          assertEquals(200, fresh.statusCode());
          assertArrayEquals(PACKAGES, fresh.body());
          assertArrayEquals(
              large,
              stalled.get(0).getInputStream().readNBytes(LARGE_BYTES),
              "a client that stopped reading still gets its whole answer when it reads again");
        } finally {
          // Before the node closes: its shutdown waits for the answers these clients hold up.
          TestNodes.closeAll(stalled.toArray(Socket[]::new));
        }
      }
    }
  }

  @Test
  void aNegativeCountIsRefusedNamingIt() {
    MirrorNodeConfig config = MirrorNodeConfig.defaults(URI.create("http://127.0.0.1:9"), dir);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> config.withIoThreads(-1));

    assertEquals("ioThreads < 0: -1", e.getMessage());
  }

  private static Socket connect(MirrorNode node, List<Socket> opened) throws IOException {
    Socket socket = new Socket(node.uri().getHost(), node.port());
    opened.add(socket);
    socket.setSoTimeout((int) HANG_GUARD.toMillis());
    return socket;
  }

  private static void send(Socket socket, String request) throws IOException {
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  /** The status line and headers, up to and including the blank line; not a byte of the body. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the end of the head: " + head);
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }
}
