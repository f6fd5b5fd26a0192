package io.metamirror.bench.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for the servers a benchmark starts: all on loopback, none fixed. */
public final class LoopbackPorts {
  private LoopbackPorts() {}

  /**
   * A port the OS reports free on 127.0.0.1. The servers we start (metamirror, nginx, rsync) take a
   * port number, not an open socket, so there is a short window in which another process could take
   * it; the server then fails to bind, exits, and the run stops with its log.
   */
  public static int free() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
