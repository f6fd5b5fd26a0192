package io.metamirror.mirror.node;

import io.metamirror.mirror.tls.ReloadingKeyManager;
import io.metamirror.mirror.tls.TlsContexts;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.JournalEntry;
import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.agent.SyncAgent;
import io.metamirror.sync.agent.SyncStatus;
import io.metamirror.sync.store.Store;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mirror node: a sync agent keeping {@code store} equal to the origin, and a server answering
 * from it, falling back to the origin on a local miss.
 *
 * <p>Health is freshness (DESIGN §4): 503 while bootstrapping, draining, stalled on a bad entry, or
 * when an entry has waited longer than {@link Config#maxLagSeconds} while the node is more than
 * {@link Config#maxLagEntries} behind. An unreachable origin alone keeps a caught-up node at 200:
 * every node is equally stale then, and serving stale beats serving nothing.
 *
 * <p>Drain ({@link #drain()}, the admin endpoint, SIGTERM in the CLI): health answers 503 at once
 * so DNS moves clients away; the node keeps serving for {@link Config#drainGrace}, lets in-flight
 * requests finish, then stops.
 */
public final class MirrorNode implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(MirrorNode.class);

  /** Files up to this size are read whole and may be cached; larger ones are sent with sendfile. */
  static final int SMALL_FILE_BYTES = 64 * 1024;

  /** Everything a node needs; see the CLI's {@code mirror serve --help} for meanings. */
  public record Config(
      URI origin,
      Path store,
      String host,
      int port,
      SSLContext tls,
      String region,
      String nodeId,
      String adminToken,
      Duration drainGrace,
      long maxLagEntries,
      double maxLagSeconds,
      Duration fallbackConnectTimeout,
      Duration fallbackTimeout,
      Duration negativeTtl,
      Duration circuitOpenFor,
      CachePolicy cachePolicy,
      SyncAgent.Config sync,
      double rateLimitPerSecond,
      long fileCacheBytes,
      ReloadingKeyManager tlsKeys,
      int ioThreads) {

    /** The default bound of the in-memory cache of small files: 64 MiB. */
    public static final long DEFAULT_FILE_CACHE_BYTES = 64L << 20;

    public static Config defaults(URI origin, Path store) {
      return new Config(
          origin,
          store,
          "127.0.0.1",
          0,
          null,
          "local",
          "node",
          null,
          Duration.ofSeconds(60),
          0,
          60,
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          Duration.ofSeconds(5),
          Duration.ofSeconds(5),
          new CachePolicy(CachePolicy.DEFAULT_RULES),
          SyncAgent.Config.defaults(origin),
          0,
          DEFAULT_FILE_CACHE_BYTES,
          null,
          0);
    }

    public Config with(String host, int port, SSLContext tls, String region, String nodeId) {
      return copy(
          b -> {
            b.host = host;
            b.port = port;
            b.tls = tls;
            b.tlsKeys = null;
            b.region = region;
            b.nodeId = nodeId;
          });
    }

    public Config withAdminToken(String token) {
      return copy(b -> b.adminToken = token);
    }

    public Config withDrainGrace(Duration grace) {
      return copy(b -> b.drainGrace = grace);
    }

    public Config withLag(long entries, double seconds) {
      return copy(
          b -> {
            b.maxLagEntries = entries;
            b.maxLagSeconds = seconds;
          });
    }

    public Config withFallback(
        Duration connect, Duration total, Duration negativeTtl, Duration openFor) {
      return copy(
          b -> {
            b.fallbackConnectTimeout = connect;
            b.fallbackTimeout = total;
            b.negativeTtl = negativeTtl;
            b.circuitOpenFor = openFor;
          });
    }

    public Config withCachePolicy(CachePolicy policy) {
      return copy(b -> b.cachePolicy = policy);
    }

    public Config withSync(SyncAgent.Config sync) {
      return copy(b -> b.sync = sync);
    }

    /** Per-client-IP requests a second (bursts of twice that), 429 beyond; 0 turns it off. */
    public Config withRateLimit(double perSecond) {
      return copy(b -> b.rateLimitPerSecond = perSecond);
    }

    /** Bytes of small files kept in memory with their headers; 0 turns the cache off. */
    public Config withFileCache(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("fileCacheBytes < 0: " + bytes);
      }
      return copy(b -> b.fileCacheBytes = bytes);
    }

    /**
     * Threads that accept, read and answer requests; 0 (the default) means {@link
     * #defaultIoThreads()}.
     */
    public Config withIoThreads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("ioThreads < 0: " + threads);
      }
      return copy(b -> b.ioThreads = threads);
    }

    /**
     * Two per CPU, at least 8. With one per CPU each thread holds more connections, finds more work
     * each time it wakes and runs longer; when something else wants a CPU too (on a small VM: the
     * sync agent, the OS, a co-located client) the scheduler preempts such a thread and all its
     * connections wait. bench/README.md has the measurements behind the choice.
     */
    public static int defaultIoThreads() {
      return Math.max(8, 2 * Runtime.getRuntime().availableProcessors());
    }

    /** {@link #ioThreads} as the server uses it. */
    int effectiveIoThreads() {
      return ioThreads > 0 ? ioThreads : defaultIoThreads();
    }

    /**
     * Serves TLS from {@code keys} (replacing the context given to {@link #with}); health then
     * reports the certificate in service and the last reload failure.
     */
    public Config withTls(ReloadingKeyManager keys) {
      return copy(
          b -> {
            b.tls = TlsContexts.serverContext(keys);
            b.tlsKeys = keys;
          });
    }

    private Config copy(java.util.function.Consumer<Copy> change) {
      Copy b = new Copy(this);
      change.accept(b);
      return b.build();
    }

    /** The fields of a Config, to change a few and build a new one. */
    private static final class Copy {
      URI origin;
      Path store;
      String host;
      int port;
      SSLContext tls;
      String region;
      String nodeId;
      String adminToken;
      Duration drainGrace;
      long maxLagEntries;
      double maxLagSeconds;
      Duration fallbackConnectTimeout;
      Duration fallbackTimeout;
      Duration negativeTtl;
      Duration circuitOpenFor;
      CachePolicy cachePolicy;
      SyncAgent.Config sync;
      double rateLimitPerSecond;
      long fileCacheBytes;
      ReloadingKeyManager tlsKeys;
      int ioThreads;

      Copy(Config c) {
        origin = c.origin;
        store = c.store;
        host = c.host;
        port = c.port;
        tls = c.tls;
        region = c.region;
        nodeId = c.nodeId;
        adminToken = c.adminToken;
        drainGrace = c.drainGrace;
        maxLagEntries = c.maxLagEntries;
        maxLagSeconds = c.maxLagSeconds;
        fallbackConnectTimeout = c.fallbackConnectTimeout;
        fallbackTimeout = c.fallbackTimeout;
        negativeTtl = c.negativeTtl;
        circuitOpenFor = c.circuitOpenFor;
        cachePolicy = c.cachePolicy;
        sync = c.sync;
        rateLimitPerSecond = c.rateLimitPerSecond;
        fileCacheBytes = c.fileCacheBytes;
        tlsKeys = c.tlsKeys;
        ioThreads = c.ioThreads;
      }

      Config build() {
        return new Config(
            origin,
            store,
            host,
            port,
            tls,
            region,
            nodeId,
            adminToken,
            drainGrace,
            maxLagEntries,
            maxLagSeconds,
            fallbackConnectTimeout,
            fallbackTimeout,
            negativeTtl,
            circuitOpenFor,
            cachePolicy,
            sync,
            rateLimitPerSecond,
            fileCacheBytes,
            tlsKeys,
            ioThreads);
      }
    }
  }

  private final Config config;
  private final Store store;
  private final SyncAgent agent;
  private final OriginFallback fallback;
  private final MirrorMetrics metrics;
  private final SmallFileCache fileCache;
  private final MirrorServer server;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean draining;

  private MirrorNode(Config config, Store store, SyncAgent agent) throws IOException {
    this.config = config;
    this.store = store;
    this.agent = agent;
    Clock clock = Clock.systemUTC();
    OriginFallback[] holder = new OriginFallback[1];
    this.metrics =
        new MirrorMetrics(agent::status, () -> holder[0] != null && holder[0].circuitOpen());
    this.fallback =
        new OriginFallback(
            config.origin(),
            config.fallbackConnectTimeout(),
            config.fallbackTimeout(),
            config.negativeTtl(),
            config.circuitOpenFor(),
            clock,
            metrics);
    holder[0] = fallback;
    this.fileCache = new SmallFileCache(config.fileCacheBytes(), SMALL_FILE_BYTES);
    metrics.watch(fileCache);
    agent.onCommit(this::committed);
    MirrorServer.ContentHandler content =
        new LocalFileHandler(store, config.cachePolicy(), fileCache, fallback);
    this.server =
        MirrorServer.start(
            config.host(),
            config.port(),
            config.tls(),
            metrics,
            exchange -> {
              Map<String, Object> body = health();
              Responses.json(exchange, "ok".equals(body.get("status")) ? 200 : 503, body);
            },
            metricsHandler(),
            exchange -> {
              if (!authorized(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
                Responses.error(
                    exchange,
                    config.adminToken() == null ? 403 : 401,
                    config.adminToken() == null
                        ? "no admin token is configured on this node"
                        : "this endpoint needs Authorization: Bearer <admin token>");
                return;
              }
              // Draining before the 202: a health check right after it must already see 503.
              boolean started = beginDrain();
              Responses.json(
                  exchange,
                  202,
                  Map.of("draining", true, "graceSeconds", config.drainGrace().toSeconds()));
              if (started) {
                Thread t = new Thread(this::finishDrain, "metamirror-drain");
                t.setDaemon(true);
                t.start();
              }
            },
            content,
            config.rateLimitPerSecond(),
            config.effectiveIoThreads());
  }

  /** Opens the store, starts the agent and the server. */
  public static MirrorNode start(Config config) throws IOException {
    Store store = Store.open(config.store());
    SyncAgent agent;
    try {
      agent = new SyncAgent(store, config.sync(), Clock.systemUTC());
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    MirrorNode node;
    try {
      node = new MirrorNode(config, store, agent);
    } catch (IOException | RuntimeException e) {
      agent.close();
      store.close();
      throw e;
    }
    agent.start();
    String heap =
        heapWarning(Runtime.getRuntime().maxMemory(), store.fileCount(), config.fileCacheBytes());
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

  /** Heap a node needs per file of its manifest, measured at 100,000 files (~250 B), rounded up. */
  static final long HEAP_BYTES_PER_FILE = 300;

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

  private boolean authorized(String header) {
    if (config.adminToken() == null
        || header == null
        || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(
        header.substring(7).trim().getBytes(StandardCharsets.UTF_8),
        config.adminToken().getBytes(StandardCharsets.UTF_8));
  }

  /** The health document; {@code status} is "ok" or the reason the node should not get traffic. */
  public Map<String, Object> health() {
    SyncStatus s = agent.status();
    String status = "ok";
    if (draining) {
      status = "draining";
    } else if (s.epoch() == null || s.state() == SyncState.BOOTSTRAPPING) {
      // "starting" with a tree is a restart on an existing store: it serves that tree, and lasts
      // as long as the agent's first long poll when the store is caught up. If the store is
      // behind, the first feed answer comes at once and the lag rule below takes over.
      status = "bootstrapping";
    } else if (s.state() == SyncState.STALLED) {
      status = "stalled";
    } else if (s.lagEntries() > config.maxLagEntries() && s.lagSeconds() > config.maxLagSeconds()) {
      status = "behind";
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    body.put("region", config.region());
    body.put("node", config.nodeId());
    body.put("epoch", s.epoch());
    body.put("appliedSeq", s.appliedSeq());
    body.put("knownHead", s.knownHead());
    body.put("lagEntries", s.lagEntries());
    body.put("lagSeconds", s.lagSeconds());
    body.put("syncState", s.state());
    body.put("lastError", s.lastError());
    body.put("draining", draining);
    body.put("version", version());
    body.put("tls", tlsHealth());
    return body;
  }

  /**
   * The certificate in service and the last reload failure; null on plain HTTP. A failed reload
   * does not fail health: the previous certificate still serves, and the failure shows here and in
   * the log until a reload succeeds.
   */
  private Map<String, Object> tlsHealth() {
    ReloadingKeyManager keys = config.tlsKeys();
    if (keys == null) {
      return null;
    }
    Map<String, Object> tls = new LinkedHashMap<>();
    X509Certificate leaf = keys.current().leaf();
    tls.put("subject", leaf.getSubjectX500Principal().getName());
    tls.put("notAfter", leaf.getNotAfter().toInstant().toString());
    tls.put("loadedAt", keys.loadedAt().toString());
    ReloadingKeyManager.Failure failure = keys.lastFailure().orElse(null);
    tls.put("reloadError", failure == null ? null : failure.message());
    tls.put("reloadErrorAt", failure == null ? null : failure.at().toString());
    return tls;
  }

  private HttpHandler metricsHandler() {
    PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);
    return exchange -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
      writer.write(out, metrics.registry.scrape());
      exchange
          .getResponseHeaders()
          .put(Headers.CONTENT_TYPE, PrometheusTextFormatWriter.CONTENT_TYPE);
      exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
      exchange.getResponseSender().send(ByteBuffer.wrap(out.toByteArray()));
    };
  }

  static String version() {
    String v = MirrorNode.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  public int port() {
    return server.port();
  }

  public URI uri() {
    String scheme = config.tls() == null ? "http" : "https";
    String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
    return URI.create(
        scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
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
   * Turns health to 503 at once, keeps serving for the grace period, waits for in-flight requests,
   * then stops. Blocks until stopped; idempotent.
   */
  public void drain() {
    if (!beginDrain()) {
      awaitStopped();
      return;
    }
    finishDrain();
  }

  /** Turns health to 503; returns false when a drain had already begun. */
  private synchronized boolean beginDrain() {
    if (draining) {
      return false;
    }
    draining = true;
    return true;
  }

  private void finishDrain() {
    log.info("event=drain_started grace_s={}", config.drainGrace().toSeconds());
    try {
      Thread.sleep(config.drainGrace().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }

  public boolean draining() {
    return draining;
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
    server.graceful.shutdown();
    try {
      server.graceful.awaitShutdown(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.undertow.stop();
    agent.close();
    try {
      store.close();
    } catch (IOException e) {
      log.warn("event=store_close_failed error=\"{}\"", e.getMessage());
    }
    log.info("event=mirror_stopped");
    stopped.countDown();
  }

  /** The content path type, for tests that reason about paths. */
  static ContentPath path(String value) {
    return ContentPath.parse(value);
  }
}
