package io.metamirror.fleet.region;

import com.sun.net.httpserver.HttpServer;
import io.metamirror.protocol.health.HealthDocument;
import io.metamirror.protocol.health.SyncState;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SIMULATION: the emulator runs no instance, so this real HTTP server on loopback answers each
 * emulated instance's health endpoint with a typed health document ({@code /<instance-id>/...}); an
 * instance it has no answer for reads as bootstrapping (503). It is the {@link NodeEndpoints} seam
 * of these tests: no traffic goes to the emulator's instance addresses.
 */
final class SimulatedNodeHealth implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, Boolean> healthy = new ConcurrentHashMap<>();
  private volatile boolean everyNewNodeHealthy = true;

  SimulatedNodeHealth() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String id = exchange.getRequestURI().getPath().split("/")[1];
          boolean ok = healthy.computeIfAbsent(id, k -> everyNewNodeHealthy);
          byte[] body = document(id, ok).toJson();
          exchange.sendResponseHeaders(ok ? 200 : 503, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  /** From now on, nodes not asked about before never become healthy. */
  void newNodesNeverHealthy() {
    everyNewNodeHealthy = false;
  }

  NodeEndpoints endpoints() {
    int port = server.getAddress().getPort();
    return i ->
        URI.create("http://127.0.0.1:" + port + "/" + i.instanceId() + "/.metamirror/health");
  }

  private static HealthDocument document(String id, boolean ok) {
    return new HealthDocument(
        ok ? HealthDocument.Status.OK : HealthDocument.Status.BOOTSTRAPPING,
        "eu-west-1",
        id,
        ok ? "27bcf4fcc75f6d60129fa889d8ae6b4c" : null,
        ok ? 7 : 0,
        7,
        ok ? 0 : 7,
        0.0,
        ok ? SyncState.FOLLOWING : SyncState.BOOTSTRAPPING,
        null,
        false,
        "test",
        null);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
