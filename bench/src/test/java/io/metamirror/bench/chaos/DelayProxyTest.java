package io.metamirror.bench.chaos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy between a node and the origin: forwards with a delay, and hangs when told to. */
class DelayProxyTest {
  private static final Duration ONE_WAY = Duration.ofMillis(30);

  private ServerSocket echo;
  private DelayProxy proxy;

  @BeforeEach
  void startEchoServerBehindTheProxy() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accepting =
        new Thread(
            () -> {
              while (true) {
                try {
                  Socket s = echo.accept();
                  Thread t = new Thread(() -> echo(s));
                  t.setDaemon(true);
                  t.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    accepting.setDaemon(true);
    accepting.start();
    proxy =
        DelayProxy.start(
            "test",
            new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()),
            ONE_WAY);
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  @Test
  void forwardsBothWaysAddingTheDelayEachWay() throws IOException {
    try (Socket client = connect()) {
      long start = System.nanoTime();
      assertArrayEquals(bytes("ping"), roundTrip(client, "ping"));
      assertTrue(System.nanoTime() - start >= 2 * ONE_WAY.toNanos(), "a round trip waits twice");
    }
  }

  @Test
  void aHungProxyAcceptsButNeverAnswersUntilReleasedThenForwardsAgain() throws IOException {
    Socket open = connect();
    assertArrayEquals(bytes("one"), roundTrip(open, "one"));
    proxy.hang();
    Socket fresh = connect(); // accepted
    for (Socket s : new Socket[] {open, fresh}) {
      s.getOutputStream().write(bytes("two"));
      assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
    }
    proxy.release();
    for (Socket s : new Socket[] {open, fresh}) {
      s.setSoTimeout(5_000);
      assertEquals(-1, readOrEnd(s.getInputStream()), "the stuck connection is closed");
      s.close();
    }
    try (Socket after = connect()) {
      assertArrayEquals(bytes("three"), roundTrip(after, "three"));
    }
  }

  @Test
  void refusesAnUpstreamOffLoopback() {
    assertThrows(
        IllegalArgumentException.class,
        () -> DelayProxy.start("x", new InetSocketAddress("192.0.2.1", 80), ONE_WAY));
  }

  private Socket connect() throws IOException {
    URI url = URI.create(proxy.url());
    Socket s = new Socket(url.getHost(), url.getPort());
    s.setSoTimeout(500);
    return s;
  }

  private static byte[] roundTrip(Socket s, String message) throws IOException {
    s.getOutputStream().write(bytes(message));
    return s.getInputStream().readNBytes(message.length());
  }

  private static int readOrEnd(InputStream in) {
    try {
      return in.read();
    } catch (IOException e) {
      return -1; // reset: closed as well
    }
  }

  private static void echo(Socket s) {
    try (s) {
      s.getInputStream().transferTo(s.getOutputStream());
    } catch (IOException e) {
      // closed
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
