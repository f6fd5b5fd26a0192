package io.metamirror.mirror.node;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.JournalEntry;
import io.metamirror.protocol.health.HealthDocument;
import io.metamirror.sync.agent.SyncAgent;
import io.metamirror.sync.agent.SyncStatus;
import io.metamirror.sync.store.Store;
import io.undertow.server.HttpServerExchange;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mirror node: a sync agent keeping {@code store} equal to the origin, and a server answering
 * from it, falling back to the origin on a local miss. {@link NodeHealth} decides whether it should
 * get traffic; {@link Drain} takes it out of service.
 *
 * <p>Lifecycle: {@link #start} opens the store, starts the agent, the server, then the {@link
 * StoreScrub} (unless off); {@link #close} (or the end of a {@link #drain()}) stops the server
 * after in-flight requests, then the scrub, then the agent, then closes the store. Every part of
 * the node reads time from the one clock it is started with.
 */
public final class MirrorNode implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(MirrorNode.class);

  /** Files up to this size are read whole and may be cached; larger ones are sent with sendfile. */
  static final int SMALL_FILE_BYTES = 64 * 1024;

  private final Store store;
  private final SyncAgent agent;
  private final OriginFallback fallback;
  private final MirrorMetrics metrics;
  private final SmallFileCache fileCache;
  private final VerifiedFiles verifiedFiles;
  private final StoreScrub scrub; // null when off
  private final NodeHealth nodeHealth;
  private final Drain drain;
  private final MirrorServer server;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private MirrorNode(MirrorNodeConfig config, Clock clock, Store store, SyncAgent agent)
      throws IOException {
    this.store = store;
    this.agent = agent;
    this.metrics = new MirrorMetrics(agent::status);
    this.fallback =
        new OriginFallback(config.origin(), config.fallback(), clock, metrics, agent::status);
    this.fileCache = new SmallFileCache(config.serving().fileCacheBytes(), SMALL_FILE_BYTES);
    metrics.watch(fallback);
    metrics.watch(fileCache);
    this.verifiedFiles = new VerifiedFiles(agent::repair);
    metrics.watch(verifiedFiles);
    this.scrub =
        config.scrubPeriod().isZero()
            ? null
            : new StoreScrub(store, agent, verifiedFiles, config.scrubPeriod(), clock);
    if (scrub != null) {
      metrics.watch(scrub);
    }
    this.nodeHealth = new NodeHealth(config);
    metrics.watch(this::health);
    metrics.watchDisk(store.root());
    if (config.listener().tlsKeys() != null) {
      metrics.watch(config.listener().tlsKeys());
    }
    this.drain = new Drain(config.drain().grace(), this::close);
    agent.onCommit(this::committed);
    this.server =
        MirrorServer.start(
            config.listener(),
            config.serving(),
            clock,
            metrics,
            this::answerHealth,
            new AdminDrainHandler(drain, config.drain().adminToken()),
            new LocalFileHandler(
                store, config.serving().cachePolicy(), fileCache, verifiedFiles, fallback));
  }

  /** Opens the store, starts the agent and the server, on the system clock. */
  public static MirrorNode start(MirrorNodeConfig config) throws IOException {
    return start(config, Clock.systemUTC());
  }

  public static MirrorNode start(MirrorNodeConfig config, Clock clock) throws IOException {
    Store store = Store.open(config.store());
    SyncAgent agent;
    try {
      agent = new SyncAgent(store, config.sync(), clock);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    MirrorNode node;
    try {
      node = new MirrorNode(config, clock, store, agent);
    } catch (IOException | RuntimeException e) {
      agent.close();
      store.close();
      throw e;
    }
    agent.start();
    if (node.scrub != null) {
      node.scrub.start();
    }
    long cacheBytes = config.serving().fileCacheBytes();
    String heap = heapWarning(Runtime.getRuntime().maxMemory(), store.fileCount(), cacheBytes);
    if (heap != null) {
      log.warn("event=heap_small {}", heap);
    }
    log.info(
        "event=mirror_listening url={} region={} node={} store={} origin={}",
        node.uri(),
        config.region(),
        config.nodeId(),
        config.store(),
        config.origin());
    return node;
  }

  /**
   * Heap a node needs per file of its manifest, measured at 1,000,000 files (issue 21): ~110 B in
   * the manifest's index, up to ~64 B for the file and its twin checked since start, and ~265 B
   * more while a bootstrap holds the snapshot's manifest (which every node must be able to do).
   */
  static final long HEAP_BYTES_PER_FILE = 440;

  /** Heap beyond the manifest and the file cache: buffers, the fallback, a page being applied. */
  static final long HEAP_HEADROOM_BYTES = 64L << 20;

  /**
   * A warning when {@code maxHeap} looks too small for a store of {@code files} and a cache of
   * {@code cacheBytes}, else null. The launcher's default heap suits most stores; a large one needs
   * more, and running out of heap later would be a worse way to find out.
   */
  static String heapWarning(long maxHeap, long files, long cacheBytes) {
    long needed = files * HEAP_BYTES_PER_FILE + cacheBytes + HEAP_HEADROOM_BYTES;
    if (maxHeap >= needed) {
      return null;
    }
    return "max_heap_mb="
        + (maxHeap >> 20)
        + " files="
        + files
        + " file_cache_mb="
        + (cacheBytes >> 20)
        + " needs_about_mb="
        + (needed >> 20)
        + " hint=\"raise the heap, e.g. METAMIRROR_JAVA_OPTS=-Xmx"
        + ((needed >> 20) * 3 / 2 / 64 + 1) * 64
        + "m, or lower --file-cache-mb\"";
  }

  private void committed(List<JournalEntry> entries) {
    List<ContentPath> paths = entries.stream().map(JournalEntry::path).toList();
    fileCache.invalidate(paths);
    fallback.forget(paths);
  }

  /** The health document; its status is OK or the reason the node should not get traffic. */
  public HealthDocument health() {
    return nodeHealth.document(agent.status(), drain.draining());
  }

  private void answerHealth(HttpServerExchange exchange) {
    HealthDocument document = health();
    int status = document.status() == HealthDocument.Status.OK ? 200 : 503;
    Responses.send(exchange, status, Responses.JSON_TYPE, document.toJson());
  }

  static String version() {
    String v = MirrorNode.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  public int port() {
    return server.port();
  }

  public URI uri() {
    return server.uri();
  }

  /** Requests answered so far: all, from the store, through the origin. */
  public long[] requestTotals() {
    MirrorMetrics.Totals t = metrics.totals();
    return new long[] {t.requests(), t.local(), t.origin()};
  }

  public SyncStatus syncStatus() {
    return agent.status();
  }

  public Store store() {
    return store;
  }

  /** The background scrub, null when it is off. */
  StoreScrub scrub() {
    return scrub;
  }

  /**
   * Stops the sync agent applying pages until {@link #resumeSync()}; the node keeps serving what
   * its store has. For game days and tests of the replication race.
   */
  public void pauseSync() {
    agent.pause();
  }

  public void resumeSync() {
    agent.resume();
  }

  /**
   * Turns health to 503 at once, keeps serving for the grace period, then closes the listener,
   * finishes the requests in flight and stops (see {@link Drain}). Blocks until stopped;
   * idempotent: a second call waits for the first.
   */
  public void drain() {
    if (drain.begin()) {
      drain.finish();
    } else {
      awaitStopped();
    }
  }

  public boolean draining() {
    return drain.draining();
  }

  /** Blocks until the node has stopped. */
  public void awaitStopped() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    server.stop();
    if (scrub != null) {
      scrub.close();
    }
    agent.close();
    try {
      store.close();
    } catch (IOException e) {
      log.warn("event=store_close_failed error=\"{}\"", e.getMessage());
    }
    log.info("event=mirror_stopped");
    stopped.countDown();
  }
}
