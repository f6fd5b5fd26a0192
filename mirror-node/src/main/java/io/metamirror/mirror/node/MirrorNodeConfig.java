package io.metamirror.mirror.node;

import io.metamirror.mirror.tls.ReloadingKeyManager;
import io.metamirror.mirror.tls.TlsContexts;
import io.metamirror.mirror.tls.TlsProvider;
import io.metamirror.sync.agent.SyncAgent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Everything a mirror node needs, in groups that each feed one part of it; the CLI's {@code mirror
 * serve --help} explains each setting. The CLI builds one whole; tests start from {@link #defaults}
 * and change a few.
 *
 * @param origin where local misses are fetched from (the agent syncs from {@code sync.origin()},
 *     which differs only when a test puts a seam in front of one of them)
 * @param region for health and metrics
 * @param nodeId for health and metrics
 * @param scrubPeriod the background scrub ({@link StoreScrub}) re-hashes the whole store once per
 *     period, paced by {@link ScrubPace}; zero turns it off
 */
public record MirrorNodeConfig(
    URI origin,
    Path store,
    Listener listener,
    String region,
    String nodeId,
    DrainSettings drain,
    LagThresholds lag,
    FallbackSettings fallback,
    Serving serving,
    Duration scrubPeriod,
    SyncAgent.Config sync) {

  /** The default {@link #scrubPeriod}: the whole store is re-hashed once a day. */
  public static final Duration DEFAULT_SCRUB_PERIOD = Duration.ofHours(24);

  public MirrorNodeConfig {
    if (scrubPeriod == null || scrubPeriod.isNegative()) {
      throw new IllegalArgumentException("scrubPeriod null or negative: " + scrubPeriod);
    }
  }

  /**
   * Where the node listens, and with what certificate.
   *
   * @param tls null for plain HTTP
   * @param tlsKeys the source of {@code tls} when it reloads from files; health then reports the
   *     certificate in service and the last reload failure
   */
  public record Listener(String host, int port, SSLContext tls, ReloadingKeyManager tlsKeys) {
    public static Listener plain(String host, int port) {
      return new Listener(host, port, null, null);
    }

    public static Listener tls(String host, int port, SSLContext tls) {
      return new Listener(host, port, tls, null);
    }

    public static Listener reloading(String host, int port, ReloadingKeyManager keys) {
      return reloading(host, port, keys, TlsProvider.AUTO);
    }

    /**
     * Serves {@code keys} through {@code provider}; {@link TlsProvider#CONSCRYPT} where its native
     * library cannot load is an {@link IllegalStateException} saying why.
     */
    public static Listener reloading(
        String host, int port, ReloadingKeyManager keys, TlsProvider provider) {
      return new Listener(host, port, TlsContexts.serverContext(keys, provider), keys);
    }
  }

  /**
   * @param grace how long a draining node keeps serving; match the DNS TTL
   * @param adminToken the bearer token for {@code POST /.metamirror/admin/drain}; null refuses it
   */
  public record DrainSettings(Duration grace, String adminToken) {}

  /**
   * Health says "behind" when the node is more than {@code entries} behind the head and the oldest
   * entry not yet applied has waited more than {@code seconds}.
   */
  public record LagThresholds(long entries, double seconds) {}

  /**
   * How a local miss reaches the origin.
   *
   * @param timeout the whole origin request: connecting, the headers and the body
   * @param negativeTtl how long an origin 404 may be remembered ({@link NegativeCache} says when it
   *     is dropped sooner); 0, the default, remembers none, so every local miss asks the origin
   * @param circuitOpenFor how long the circuit stays open before requests probe the origin again
   */
  public record FallbackSettings(
      Duration connectTimeout, Duration timeout, Duration negativeTtl, Duration circuitOpenFor) {
    /** Not a CLI option: the same for every node. */
    public static final Duration CIRCUIT_OPEN_FOR = Duration.ofSeconds(5);
  }

  /**
   * How requests are answered.
   *
   * @param fileCacheBytes bytes of small files kept in memory with their headers; 0 turns the cache
   *     off
   * @param rateLimitPerSecond requests a second per client IP (bursts of twice that), 429 beyond; 0
   *     or less turns it off
   * @param ioThreads threads that accept, read and answer requests; 0 means {@link
   *     #defaultIoThreads()}
   */
  public record Serving(
      CachePolicy cachePolicy, long fileCacheBytes, double rateLimitPerSecond, int ioThreads) {
    /** The default bound of the in-memory cache of small files: 64 MiB. */
    public static final long DEFAULT_FILE_CACHE_BYTES = 64L << 20;

    public Serving {
      if (fileCacheBytes < 0) {
        throw new IllegalArgumentException("fileCacheBytes < 0: " + fileCacheBytes);
      }
      if (ioThreads < 0) {
        throw new IllegalArgumentException("ioThreads < 0: " + ioThreads);
      }
    }

    /**
     * Two per CPU, at least 8. With one per CPU each thread holds more connections, finds more work
     * each time it wakes and runs longer; when something else wants a CPU too (on a small VM: the
     * sync agent, the OS, a co-located client) the scheduler preempts such a thread and all its
     * connections wait. The measurements behind the choice: `git show efc56d5:bench/README.md`.
     */
    public static int defaultIoThreads() {
      return Math.max(8, 2 * Runtime.getRuntime().availableProcessors());
    }

    /** {@link #ioThreads} as the server uses it. */
    int effectiveIoThreads() {
      return ioThreads > 0 ? ioThreads : defaultIoThreads();
    }
  }

  /**
   * Plain HTTP on a free loopback port as region "local", node "node"; every other setting as the
   * CLI's default.
   */
  public static MirrorNodeConfig defaults(URI origin, Path store) {
    return new MirrorNodeConfig(
        origin,
        store,
        Listener.plain("127.0.0.1", 0),
        "local",
        "node",
        new DrainSettings(Duration.ofSeconds(10), null),
        new LagThresholds(0, 60),
        new FallbackSettings(
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            Duration.ZERO,
            FallbackSettings.CIRCUIT_OPEN_FOR),
        new Serving(
            new CachePolicy(CachePolicy.DEFAULT_RULES), Serving.DEFAULT_FILE_CACHE_BYTES, 0, 0),
        DEFAULT_SCRUB_PERIOD,
        SyncAgent.Config.defaults(origin));
  }

  public MirrorNodeConfig withListener(Listener listener) {
    return new MirrorNodeConfig(
        origin, store, listener, region, nodeId, drain, lag, fallback, serving, scrubPeriod, sync);
  }

  /** Serves TLS from {@code keys} on the same address; health then reports the certificate. */
  public MirrorNodeConfig withTls(ReloadingKeyManager keys) {
    return withListener(Listener.reloading(listener.host(), listener.port(), keys));
  }

  public MirrorNodeConfig withIdentity(String region, String nodeId) {
    return new MirrorNodeConfig(
        origin, store, listener, region, nodeId, drain, lag, fallback, serving, scrubPeriod, sync);
  }

  public MirrorNodeConfig withDrainGrace(Duration grace) {
    return withDrain(new DrainSettings(grace, drain.adminToken()));
  }

  public MirrorNodeConfig withAdminToken(String token) {
    return withDrain(new DrainSettings(drain.grace(), token));
  }

  private MirrorNodeConfig withDrain(DrainSettings drain) {
    return new MirrorNodeConfig(
        origin, store, listener, region, nodeId, drain, lag, fallback, serving, scrubPeriod, sync);
  }

  public MirrorNodeConfig withFallback(
      Duration connectTimeout, Duration timeout, Duration negativeTtl, Duration circuitOpenFor) {
    FallbackSettings fallback =
        new FallbackSettings(connectTimeout, timeout, negativeTtl, circuitOpenFor);
    return new MirrorNodeConfig(
        origin, store, listener, region, nodeId, drain, lag, fallback, serving, scrubPeriod, sync);
  }

  public MirrorNodeConfig withFileCache(long bytes) {
    Serving s = serving;
    return withServing(new Serving(s.cachePolicy(), bytes, s.rateLimitPerSecond(), s.ioThreads()));
  }

  public MirrorNodeConfig withIoThreads(int threads) {
    Serving s = serving;
    return withServing(
        new Serving(s.cachePolicy(), s.fileCacheBytes(), s.rateLimitPerSecond(), threads));
  }

  private MirrorNodeConfig withServing(Serving serving) {
    return new MirrorNodeConfig(
        origin, store, listener, region, nodeId, drain, lag, fallback, serving, scrubPeriod, sync);
  }

  /** Zero turns the scrub off. */
  public MirrorNodeConfig withScrubPeriod(Duration scrubPeriod) {
    return new MirrorNodeConfig(
        origin, store, listener, region, nodeId, drain, lag, fallback, serving, scrubPeriod, sync);
  }

  public MirrorNodeConfig withSync(SyncAgent.Config sync) {
    return new MirrorNodeConfig(
        origin, store, listener, region, nodeId, drain, lag, fallback, serving, scrubPeriod, sync);
  }
}
