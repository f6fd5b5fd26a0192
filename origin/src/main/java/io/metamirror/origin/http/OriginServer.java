package io.metamirror.origin.http;

import io.metamirror.origin.composer.ChangeIndex;
import io.metamirror.origin.composer.ComposerRepository;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.protocol.UntrustedJson;
import io.metamirror.protocol.http.ListenException;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.PathHandler;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin's HTTP server: the endpoints of DESIGN §3 over one {@link OriginRepository}, wired in
 * this one place.
 *
 * <pre>
 * request ─► count by status ─► failures as JSON ─► /.metamirror/feed       FeedHandler (long-poll, no parked thread)
 *                                /.metamirror/blobs/     BlobHandler
 *                                /.metamirror/snapshot   SnapshotHandler
 *                                /.metamirror/manifest   SnapshotHandler (manifest only)
 *                                /.metamirror/api/…      BearerTokenHandler ─► files / batch
 *                                /.metamirror/health     health JSON
 *                                /.metamirror/metrics    Prometheus text
 *                                /.metamirror/…          404
 *                                /&lt;path&gt;                ContentHandler
 * </pre>
 */
public final class OriginServer implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(OriginServer.class);

  /**
   * The largest request body: a batch of {@code metamirror publish} (at most 16 MiB of content,
   * base64 in JSON) fits with room to spare. Larger is a 413. The JSON reader's own document limit
   * is the same, so no JSON body can pass one and break the other.
   */
  public static final long MAX_BODY_BYTES = UntrustedJson.MAX_DOCUMENT_BYTES;

  /**
   * @param host the address to listen on
   * @param port 0 lets the OS pick
   * @param token the bearer token for the publishing API
   * @param workerThreads threads for blocking work (file bodies, publishes, snapshots)
   */
  public record Config(String host, int port, String token, int workerThreads) {
    public Config {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      if (workerThreads <= 0) {
        throw new IllegalArgumentException("workerThreads <= 0: " + workerThreads);
      }
    }

    public Config(String host, int port, String token) {
      this(host, port, token, 16);
    }
  }

  private final Undertow undertow;
  private final ExecutorService pageBuilder;
  private final FeedHandler feed;
  private final int port;
  private final String host;

  private OriginServer(
      Undertow undertow, ExecutorService pageBuilder, FeedHandler feed, String host) {
    this.undertow = undertow;
    this.pageBuilder = pageBuilder;
    this.feed = feed;
    this.host = host;
    this.port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  /**
   * Starts serving {@code repository}, opening its Composer store (which finishes a Composer
   * publish a crash interrupted).
   *
   * @throws java.io.UncheckedIOException when the Composer store cannot be opened
   */
  public static OriginServer start(OriginRepository repository, Config config) {
    ComposerRepository composer;
    try {
      composer = ComposerRepository.open(repository);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot open the Composer store: " + e.getMessage(), e);
    }
    return start(repository, composer, config);
  }

  /** Starts serving {@code repository} with an already opened Composer store of it. */
  public static OriginServer start(
      OriginRepository repository, ComposerRepository composer, Config config) {
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pageBuilder =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "metamirror-feed-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    FeedHandler feed = new FeedHandler(repository, pageBuilder);
    OriginMetrics metrics = new OriginMetrics(repository, feed::waiting);
    String version = version();

    HttpHandler api =
        new BearerTokenHandler(
            config.token(),
            new PathHandler(notFound())
                .addPrefixPath("/files", new FilesApiHandler(repository))
                .addExactPath("/batch", new BatchApiHandler(repository))
                .addPrefixPath("/composer/packages", new ComposerApiHandler(composer)));
    PathHandler protocol =
        new PathHandler(notFound())
            .addExactPath("/feed", feed)
            .addPrefixPath("/blobs", new BlobHandler(repository))
            .addExactPath("/snapshot", new SnapshotHandler(repository, false))
            .addExactPath("/manifest", new SnapshotHandler(repository, true))
            .addPrefixPath("/api", api)
            .addExactPath("/health", StatusHandlers.health(repository, feed::waiting, version))
            .addExactPath("/metrics", StatusHandlers.metrics(metrics));
    HttpHandler routes =
        new PathHandler(new ContentHandler(repository))
            .addPrefixPath("/.metamirror", protocol)
            .addExactPath(
                "/metadata/changes.json",
                ComposerMirrorApi.changes(new ChangeIndex(repository, Clock.systemUTC())))
            .addExactPath("/packages/list.json", ComposerMirrorApi.packageList(composer));
    HttpHandler failures = new FailureHandler(routes);
    HttpHandler root =
        exchange -> {
          exchange.addExchangeCompleteListener(
              (ex, next) -> {
                metrics.countRequest(ex.getStatusCode());
                next.proceed();
              });
          failures.handleRequest(exchange);
        };

    Undertow undertow =
        Undertow.builder()
            .addHttpListener(config.port(), config.host())
            .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
            .setWorkerThreads(config.workerThreads())
            .setServerOption(UndertowOptions.ALLOW_ENCODED_SLASH, false)
            .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 16 * 1024)
            .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, MAX_BODY_BYTES)
            .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 120_000)
            .setServerOption(UndertowOptions.RECORD_REQUEST_START_TIME, false)
            .setHandler(root)
            .build();
    try {
      undertow.start();
    } catch (RuntimeException e) {
      pageBuilder.shutdownNow();
      throw ListenException.explain(e, config.host(), config.port());
    }
    OriginServer server = new OriginServer(undertow, pageBuilder, feed, config.host());
    log.info(
        "event=origin_listening url={} epoch={} head={}",
        server.uri(),
        repository.epoch(),
        repository.head());
    return server;
  }

  private static HttpHandler notFound() {
    return (HttpServerExchange exchange) -> JsonResponses.error(exchange, 404, "not found");
  }

  static String version() {
    String v = OriginServer.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  public int port() {
    return port;
  }

  public URI uri() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    if (h.equals("0.0.0.0") || h.equals("[::]")) {
      h = "127.0.0.1";
    }
    return URI.create("http://" + h + ":" + port + "/");
  }

  int feedWaiters() {
    return feed.waiting();
  }

  @Override
  public void close() {
    undertow.stop();
    pageBuilder.shutdownNow();
  }
}
