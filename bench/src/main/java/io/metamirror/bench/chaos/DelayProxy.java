package io.metamirror.bench.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A TCP proxy on loopback between one mirror node and the origin, standing in for the network
 * between them: this machine has no netem, so the delay is added in user space. Every chunk read
 * from one side is written to the other {@code oneWay} after it was read, so a request-response
 * exchange costs two delays more than without the proxy. A direction forwards one chunk at a time:
 * its bandwidth is about one 64 KiB buffer per delay, plenty for metadata.
 *
 * <p>{@link #hang} is a declared origin outage that a crash does not produce: from then on every
 * connection, new or open, is accepted and read but never answered, as behind a black-holed route.
 * {@link #release} closes every connection that was open during the hang (what the peer sent into
 * it is lost) and forwards again. Threads: one accepting, two per connection (one per direction).
 * The set of connections is guarded by {@code this}, and so is the end of a hang, so that no
 * connection accepted during a hang outlives it.
 */
public final class DelayProxy implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;

  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final long delayNanos;
  private final Set<Socket> open = new HashSet<>();
  private volatile boolean hung;
  private volatile boolean closed;

  private DelayProxy(ServerSocket listener, InetSocketAddress upstream, Duration oneWay) {
    this.listener = listener;
    this.upstream = upstream;
    this.delayNanos = oneWay.toNanos();
  }

  /** Listens on a free loopback port and forwards to {@code upstream} (a loopback address). */
  public static DelayProxy start(String name, InetSocketAddress upstream, Duration oneWay)
      throws IOException {
    if (!upstream.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("the chaos run stays on loopback: " + upstream);
    }
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    DelayProxy proxy = new DelayProxy(listener, upstream, oneWay);
    Thread accepting = new Thread(proxy::accept, "proxy-" + name);
    accepting.setDaemon(true);
    accepting.start();
    return proxy;
  }

  /** {@code http://127.0.0.1:PORT}, the origin URL a node behind this proxy is given. */
  public String url() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  /** From now on nothing is answered, on new connections or open ones. */
  void hang() {
    hung = true;
  }

  /** Ends a hang: closes every connection open now, then forwards new ones again. */
  void release() {
    List<Socket> stuck;
    // Under the lock that connect() tracks and looks at the hang under: a connection accepted
    // during the hang is either among those closed here or forwarded, never left draining.
    synchronized (this) {
      stuck = new ArrayList<>(open);
      hung = false;
    }
    stuck.forEach(this::close);
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    release();
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Thread t = new Thread(() -> connect(client), "proxy-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  /** Runs on the connection's first thread, which then forwards client → origin. */
  private void connect(Socket client) {
    boolean hungAtAccept;
    synchronized (this) {
      open.add(client);
      hungAtAccept = hung;
    }
    if (hungAtAccept) {
      drain(client); // accepted, never answered
      return;
    }
    Socket origin = new Socket();
    try {
      origin.connect(upstream, 5_000);
    } catch (IOException e) {
      close(client); // the origin is down: the node sees the connection fail
      closeQuietly(origin);
      return;
    }
    track(origin);
    Thread back = new Thread(() -> forward(origin, client), "proxy-back");
    back.setDaemon(true);
    back.start();
    forward(client, origin);
  }

  private void forward(Socket from, Socket to) {
    byte[] buffer = new byte[BUFFER];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        long due = System.nanoTime() + delayNanos;
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        if (hung) {
          drain(from); // swallow the rest until release() closes the connection
          return;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // a side closed: close both below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (!hung) {
        close(from);
        close(to);
      }
    }
  }

  /** Reads and discards until the socket is closed (by the peer, or by {@link #release}). */
  private void drain(Socket socket) {
    byte[] buffer = new byte[BUFFER];
    try {
      InputStream in = socket.getInputStream();
      while (in.read(buffer) >= 0) {
        // discard
      }
    } catch (IOException e) {
      // closed
    } finally {
      close(socket);
    }
  }

  private synchronized void track(Socket socket) {
    open.add(socket);
  }

  private void close(Socket socket) {
    synchronized (this) {
      open.remove(socket);
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
