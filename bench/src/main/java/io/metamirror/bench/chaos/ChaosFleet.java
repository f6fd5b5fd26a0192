package io.metamirror.bench.chaos;

import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.HttpClients;
import io.metamirror.bench.harness.MirrorNode;
import io.metamirror.bench.harness.OriginApi;
import io.metamirror.bench.harness.OriginServer;
import io.metamirror.protocol.health.HealthDocument;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The processes under test: one origin ({@code metamirror origin serve}) and N mirror nodes ({@code
 * metamirror mirror serve}, plain HTTP), each node reaching the origin through its own {@link
 * DelayProxy}; everything on 127.0.0.1. Faults are applied here: a process killed with SIGKILL and
 * started again on the same data, the proxies hung and released. A killed node's slot is null until
 * it answers again; the run's one driving thread changes the fleet, the client threads only read
 * it.
 */
final class ChaosFleet implements AutoCloseable {
  private static final String ORIGIN = "origin";

  private final Harness harness;
  private final List<DelayProxy> proxies;
  private final AtomicReferenceArray<MirrorNode> nodes;
  private final HttpClient http = HttpClients.http11();
  private final OriginApi originApi;
  private volatile OriginServer origin;

  private ChaosFleet(Harness harness, OriginServer origin, List<DelayProxy> proxies) {
    this.harness = harness;
    this.origin = origin;
    this.proxies = proxies;
    this.nodes = new AtomicReferenceArray<>(proxies.size());
    this.originApi = origin.api();
  }

  /** Starts the origin and a proxy per node; the nodes start with {@link #startNodes}. */
  static ChaosFleet start(Harness harness, int nodes, Duration oneWay)
      throws IOException, InterruptedException {
    OriginServer origin = OriginServer.start(harness, ORIGIN);
    URI url = URI.create(origin.url());
    List<DelayProxy> proxies = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      proxies.add(
          DelayProxy.start(name(i), new InetSocketAddress(url.getHost(), url.getPort()), oneWay));
    }
    return new ChaosFleet(harness, origin, proxies);
  }

  /** Starts every node at once (they bootstrap from the origin's snapshot through the proxy). */
  void startNodes() throws IOException, InterruptedException {
    ExecutorService starting = Executors.newFixedThreadPool(size());
    try {
      List<Future<Void>> started = new ArrayList<>();
      for (int i = 0; i < size(); i++) {
        int node = i;
        started.add(
            starting.submit(
                () -> {
                  startNode(node);
                  return null;
                }));
      }
      for (Future<Void> f : started) {
        f.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("a node did not start: " + e.getCause().getMessage(), e.getCause());
    } finally {
      starting.shutdownNow();
    }
  }

  int size() {
    return proxies.size();
  }

  static String name(int node) {
    return "node-" + (node + 1);
  }

  /** The node's URL, or null while it is killed. */
  String url(int node) {
    MirrorNode n = nodes.get(node);
    return n == null ? null : n.url();
  }

  Path store(int node) {
    return harness.workspace().file(name(node) + "-store");
  }

  OriginApi origin() {
    return originApi;
  }

  void killNode(int node) throws InterruptedException {
    MirrorNode n = nodes.getAndSet(node, null);
    harness.processes().kill(n.process());
  }

  /** Starts the node on its store (a new port) and returns once it answers HTTP. */
  void startNode(int node) throws IOException, InterruptedException {
    nodes.set(
        node,
        MirrorNode.start(harness, name(node), proxies.get(node).url(), store(node), null, http));
  }

  void killOrigin() throws InterruptedException {
    harness.processes().kill(origin.process());
  }

  /** Starts the origin again on its data directory and port; returns once it answers. */
  void restartOrigin() throws IOException, InterruptedException {
    origin = origin.restart(harness, ORIGIN);
  }

  /** Every proxy stops answering: the nodes' origin hangs, while publishers still reach it. */
  void hangOrigin() {
    proxies.forEach(DelayProxy::hang);
  }

  void releaseOrigin() {
    proxies.forEach(DelayProxy::release);
  }

  /** The seq the node's health says it has applied; empty while it does not answer. */
  OptionalLong appliedSeq(int node) throws InterruptedException {
    String url = url(node);
    if (url == null) {
      return OptionalLong.empty();
    }
    try {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/.metamirror/health"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return OptionalLong.of(HealthDocument.read(r.body()).appliedSeq());
    } catch (IOException e) { // a ProtocolException too: a node that is starting
      return OptionalLong.empty();
    }
  }

  /**
   * Waits until every node's applied seq reaches the origin's head as it is now; returns the
   * seconds from {@code since} (a {@link System#nanoTime} reading) until then, or NaN after {@code
   * limit}.
   */
  double awaitCaughtUp(long since, Duration limit) throws IOException, InterruptedException {
    long target = originApi.head();
    long deadline = System.nanoTime() + limit.toNanos();
    for (int node = 0; node < size(); node++) {
      while (appliedSeq(node).orElse(-1) < target) {
        if (System.nanoTime() > deadline) {
          System.err.printf(
              "[chaos] %s did not reach seq %d within %s: %s%n",
              name(node), target, limit, nodes.get(node).logTail(harness));
          printSyncThreads(nodes.get(node));
          return Double.NaN;
        }
        Thread.sleep(20);
      }
    }
    return (System.nanoTime() - since) / 1e9;
  }

  /**
   * The stacks of a node's threads that are in the sync agent's code ({@code jcmd Thread.print}),
   * to show where a node that does not catch up is waiting.
   */
  private static void printSyncThreads(MirrorNode node) {
    try {
      Process jcmd =
          new ProcessBuilder("jcmd", Long.toString(node.process().pid()), "Thread.print")
              .redirectErrorStream(true)
              .start();
      String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor();
      for (String thread : dump.split("\n\n")) {
        if (thread.contains("io.metamirror.sync")) {
          System.err.println("[chaos] " + node.name() + " thread: " + thread.strip());
        }
      }
    } catch (IOException e) {
      System.err.println("[chaos] no thread dump of " + node.name() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    proxies.forEach(DelayProxy::close);
  }
}
