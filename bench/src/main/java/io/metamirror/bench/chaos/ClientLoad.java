package io.metamirror.bench.chaos;

import io.metamirror.bench.chaos.ResponseJudge.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The bounded client load: {@code readers} threads, each sending at most {@code perSecond} GETs a
 * second, one at a time, to a node that is up, picked at random. A GET asks for an acknowledged
 * path (half the time one of the newest, which a node may not have applied yet), for a path never
 * published (one in ten), or, while a fault sets a {@link Focus}, for one of its paths on its node
 * (half the time). Half the GETs accept gzip. Each observation goes to {@code sink}.
 */
final class ClientLoad implements AutoCloseable {
  /** Paths a fault wants read often on one node (the files it damaged there). */
  record Focus(int node, List<String> paths) {}

  private static final int RECENT = 10;

  private final ChaosFleet fleet;
  private final Publisher publisher;
  private final Consumer<Observation> sink;
  private final int perSecond;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopped;
  private volatile Focus focus;

  ClientLoad(ChaosFleet fleet, Publisher publisher, Consumer<Observation> sink, int perSecond) {
    this.fleet = fleet;
    this.publisher = publisher;
    this.sink = sink;
    this.perSecond = perSecond;
  }

  void start(int readers, long seed) {
    for (int i = 0; i < readers; i++) {
      SplittableRandom random = new SplittableRandom(seed + i);
      Thread t = new Thread(() -> read(random), "chaos-reader-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  void focus(Focus focus) {
    this.focus = focus;
  }

  private void read(SplittableRandom random) {
    NodeClient client = new NodeClient();
    Pace pace = new Pace(perSecond);
    try {
      while (!stopped) {
        pace.await();
        Focus f = focus;
        int node;
        String path;
        if (f != null && random.nextBoolean()) {
          node = f.node();
          path = f.paths().get(random.nextInt(f.paths().size()));
        } else {
          node = random.nextInt(fleet.size());
          path =
              random.nextInt(10) == 0
                  ? "p2/never-published/pkg" + random.nextInt(1_000_000) + ".json"
                  : publisher.pick(random, RECENT);
        }
        String url = fleet.url(node);
        if (url == null || path == null) {
          continue; // a killed node: a client's DNS sends it elsewhere
        }
        sink.accept(client.get(ChaosFleet.name(node), url, path, random.nextBoolean()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    for (Thread t : threads) {
      t.join(NodeClient.TIMEOUT.toMillis() + 5_000);
    }
  }
}
