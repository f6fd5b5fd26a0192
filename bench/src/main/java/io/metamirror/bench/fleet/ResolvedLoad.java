package io.metamirror.bench.fleet;

import io.metamirror.bench.chaos.NodeClient;
import io.metamirror.bench.chaos.Pace;
import io.metamirror.bench.chaos.Publisher;
import io.metamirror.bench.chaos.ResponseJudge;
import io.metamirror.bench.chaos.ResponseJudge.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded client load of the fleet e2e run: {@code readers} threads, each a client nearest to
 * one of the regions (in turn), each sending at most {@code perSecond} GETs a second, one at a
 * time. Every GET resolves the fleet's name through the {@link ResolverSimulation} first, asks for
 * a path the origin acknowledged (half the time one of the newest), and is judged against the
 * origin's sha256 of it ({@link ResponseJudge}): a 200 with another body is wrong; no answer from
 * the resolver, no answer from the node or any other status is failed. Meanwhile one file is
 * published every {@code publishEvery} ms, so some GETs ask for files published during the load.
 */
final class ResolvedLoad {
  /**
   * What the load saw; {@code duringCommand} of the requests were sent before the command under
   * test returned, the rest after it (up to the minimum); {@code findings} holds the first few
   * failures in detail.
   */
  record Tally(long requests, long duringCommand, long failed, long wrong, List<String> findings) {}

  private static final int FINDINGS_SHOWN = 10;

  private final ResolverSimulation resolver;
  private final Publisher publisher;
  private final ResponseJudge judge;
  private final List<String> clientRegions;
  private final int perSecond;
  private final long publishEveryMillis;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong wrong = new AtomicLong();
  private final List<String> findings = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopped;

  ResolvedLoad(
      ResolverSimulation resolver,
      Publisher publisher,
      ResponseJudge judge,
      List<String> clientRegions,
      int perSecond,
      long publishEveryMillis) {
    this.resolver = resolver;
    this.publisher = publisher;
    this.judge = judge;
    this.clientRegions = List.copyOf(clientRegions);
    this.perSecond = perSecond;
    this.publishEveryMillis = publishEveryMillis;
  }

  void start(int readers, long seed) {
    for (int i = 0; i < readers; i++) {
      SplittableRandom random = new SplittableRandom(seed + i);
      String region = clientRegions.get(i % clientRegions.size());
      Thread t = new Thread(() -> read(region, random), "e2e-client-" + region + "-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    Thread p = new Thread(this::publish, "e2e-publisher");
    p.setDaemon(true);
    threads.add(p);
    p.start();
  }

  /**
   * Called when the command under test returned: waits until at least {@code atLeast} requests were
   * sent, stops the load, returns its tally.
   */
  Tally stop(long atLeast) throws InterruptedException {
    long duringCommand = requests.get();
    while (requests.get() < atLeast) {
      Thread.sleep(50);
    }
    stopped = true;
    for (Thread t : threads) {
      t.join(NodeClient.TIMEOUT.toMillis() + 5_000);
    }
    synchronized (findings) {
      return new Tally(
          requests.get(), duringCommand, failed.get(), wrong.get(), List.copyOf(findings));
    }
  }

  private void read(String region, SplittableRandom random) {
    NodeClient client = new NodeClient();
    Pace pace = new Pace(perSecond);
    try {
      while (!stopped) {
        pace.await();
        String path = publisher.pick(random, 10);
        String url = resolver.resolve(region, random);
        requests.incrementAndGet();
        if (url == null) {
          failed.incrementAndGet();
          finding("client in " + region + ": the resolver had no answer for " + path);
          continue;
        }
        Observation o = client.get(url, url, path, random.nextBoolean());
        switch (judge.judge(o)) {
          case RIGHT -> {}
          case WRONG_BODY -> {
            wrong.incrementAndGet();
            finding("client in " + region + ": wrong body for " + path + " from " + url);
          }
          default -> {
            failed.incrementAndGet();
            finding(
                "client in "
                    + region
                    + ": GET "
                    + url
                    + "/"
                    + path
                    + " status "
                    + o.status()
                    + (o.failure() == null ? "" : " " + o.failure()));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void publish() {
    try {
      while (!stopped) {
        Thread.sleep(publishEveryMillis);
        publisher.publishNew();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void finding(String line) {
    synchronized (findings) {
      if (findings.size() < FINDINGS_SHOWN) {
        findings.add(line);
        System.err.println("[fleet-e2e] " + line);
      }
    }
  }
}
