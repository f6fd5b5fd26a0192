package io.metamirror.origin.http;

import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.ResyncRequiredException;
import io.metamirror.protocol.FeedPage;
import io.metamirror.protocol.JournalEntry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.XnioExecutor;

/**
 * {@code GET /.metamirror/feed?since=N&wait=S&limit=L&inline=BYTES}: the entries after N (see
 * {@link FeedPage}).
 *
 * <p>With {@code inline} &gt; 0 (at most {@value #MAX_INLINE} is honoured), each put of at most
 * {@link FeedPage#INLINE_FILE_MAX} bytes carries its file, in seq order while the page's inline
 * bytes stay within {@code inline}; the reader then needs no blob request for it. A blob that
 * cannot be read is left out (the reader fetches it, and hears why).
 *
 * <p>With nothing new and {@code wait} &gt; 0 the request is parked without a thread: the exchange
 * is kept open by a same-thread dispatch, a timer on its IO thread answers with an empty page after
 * {@code wait} seconds, and a publish wakes it. Whichever comes first wins one compare-and-set; the
 * page is built on {@code pageBuilder} (it reads the journal) and sent from the exchange's IO
 * thread. Hundreds of parked mirrors cost one small object each.
 */
final class FeedHandler implements HttpHandler {
  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 10_000;
  static final double MAX_WAIT_SECONDS = 60;
  static final long MAX_INLINE = 8L << 20;

  private final OriginRepository repository;
  private final Executor pageBuilder;
  private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();

  FeedHandler(OriginRepository repository, Executor pageBuilder) {
    this.repository = repository;
    this.pageBuilder = pageBuilder;
    repository.onHead(this::wake);
  }

  int waiting() {
    return waiters.size();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (!JsonResponses.methodAllowed(exchange, Methods.GET)) {
      return;
    }
    Map<String, Deque<String>> query = exchange.getQueryParameters();
    long since;
    int limit;
    double wait;
    long inline;
    try {
      since = parseLong(query, "since", 0);
      limit = (int) Math.min(parseLong(query, "limit", DEFAULT_LIMIT), MAX_LIMIT);
      wait = Math.min(parseDouble(query, "wait", 0), MAX_WAIT_SECONDS);
      inline = Math.min(parseLong(query, "inline", 0), MAX_INLINE);
      if (since < 0) {
        throw new IllegalArgumentException("since must be >= 0: " + since);
      }
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be >= 1: " + limit);
      }
      if (wait < 0) {
        throw new IllegalArgumentException("wait must be >= 0: " + wait);
      }
      if (inline < 0) {
        throw new IllegalArgumentException("inline must be >= 0: " + inline);
      }
    } catch (IllegalArgumentException e) {
      JsonResponses.error(exchange, 400, e.getMessage());
      return;
    }
    if (since < repository.head() || wait == 0) {
      exchange.dispatch(pageBuilder, () -> answer(exchange, since, limit, inline));
      return;
    }
    if (since > repository.head()) {
      resync(exchange, since);
      return;
    }
    Waiter waiter = new Waiter(exchange, since, limit, inline);
    exchange.dispatch(
        SameThreadExecutor.INSTANCE,
        () -> {
          waiters.add(waiter);
          exchange.addExchangeCompleteListener(
              (ex, next) -> {
                waiters.remove(waiter);
                next.proceed();
              });
          waiter.timeout =
              exchange
                  .getIoThread()
                  .executeAfter(
                      () -> waiter.complete(false), (long) (wait * 1000), TimeUnit.MILLISECONDS);
          // A publish between our head check and registering would otherwise go unnoticed.
          if (repository.head() > since) {
            waiter.complete(true);
          }
        });
  }

  private void wake(long head) {
    for (Waiter waiter : waiters) {
      if (head > waiter.since) {
        waiter.complete(true);
      }
    }
  }

  private void answer(HttpServerExchange exchange, long since, int limit, long inline) {
    byte[] page;
    try {
      page = page(since, limit, inline);
    } catch (ResyncRequiredException e) {
      resync(exchange, since);
      return;
    } catch (IOException e) {
      JsonResponses.error(exchange, 500, "cannot read the journal: " + e.getMessage());
      return;
    }
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseSender().send(ByteBuffer.wrap(page));
  }

  private byte[] page(long since, int limit, long inline) throws IOException {
    long head = repository.head();
    if (since > head) {
      throw new ResyncRequiredException(since, repository.firstRetainedSeq());
    }
    List<byte[]> entries = repository.readFeed(since, head, limit);
    List<byte[]> content = inline > 0 ? inlineContent(entries, inline) : null;
    long inlined = 0;
    if (content != null) {
      for (byte[] c : content) {
        inlined += c == null ? 0 : c.length;
      }
    }
    ByteArrayOutputStream out =
        new ByteArrayOutputStream((int) (64 + entries.size() * 200L + inlined * 4 / 3));
    FeedPage.writeRaw(out, repository.epoch(), head, entries, content);
    return out.toByteArray();
  }

  /** The files of the page's small puts, in seq order, within {@code budget} bytes. */
  private List<byte[]> inlineContent(List<byte[]> entries, long budget) throws IOException {
    List<byte[]> content = new ArrayList<>(entries.size());
    long left = budget;
    for (byte[] json : entries) {
      JournalEntry e = JournalEntry.parse(json);
      byte[] bytes = null;
      if (e.op() == JournalEntry.Op.PUT
          && e.size() <= FeedPage.INLINE_FILE_MAX
          && e.size() <= left) {
        try {
          bytes = Files.readAllBytes(repository.blobPath(e.sha256()));
          left -= bytes.length;
        } catch (NoSuchFileException missing) {
          // left out: the reader asks for the blob and gets the 404
        }
      }
      content.add(bytes);
    }
    return content;
  }

  private void resync(HttpServerExchange exchange, long since) {
    exchange.setStatusCode(410);
    JsonResponses.send(
        exchange,
        410,
        Map.of(
            "resync", true,
            "epoch", repository.epoch().value(),
            "since", since,
            "firstRetained", repository.firstRetainedSeq(),
            "head", repository.head()));
  }

  private static long parseLong(Map<String, Deque<String>> query, String name, long otherwise) {
    Deque<String> values = query.get(name);
    if (values == null || values.isEmpty()) {
      return otherwise;
    }
    try {
      return Long.parseLong(values.getFirst());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer: " + values.getFirst());
    }
  }

  private static double parseDouble(
      Map<String, Deque<String>> query, String name, double otherwise) {
    Deque<String> values = query.get(name);
    if (values == null || values.isEmpty()) {
      return otherwise;
    }
    try {
      double value = Double.parseDouble(values.getFirst());
      if (Double.isNaN(value) || Double.isInfinite(value)) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be a number of seconds: " + values.getFirst());
    }
  }

  /** One parked request; answered exactly once, by a publish or by its timer. */
  private final class Waiter {
    final HttpServerExchange exchange;
    final long since;
    final int limit;
    final long inline;
    final AtomicBoolean done = new AtomicBoolean();
    volatile XnioExecutor.Key timeout;

    Waiter(HttpServerExchange exchange, long since, int limit, long inline) {
      this.exchange = exchange;
      this.since = since;
      this.limit = limit;
      this.inline = inline;
    }

    void complete(boolean woken) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      waiters.remove(this);
      XnioExecutor.Key key = timeout;
      if (key != null && woken) {
        key.remove();
      }
      pageBuilder.execute(
          () -> {
            byte[] page;
            int status = 200;
            try {
              page = page(since, limit, inline);
            } catch (ResyncRequiredException e) {
              exchange.getIoThread().execute(() -> resync(exchange, since));
              return;
            } catch (IOException e) {
              exchange
                  .getIoThread()
                  .execute(() -> JsonResponses.error(exchange, 500, e.getMessage()));
              return;
            }
            exchange
                .getIoThread()
                .execute(
                    () -> {
                      exchange.setStatusCode(status);
                      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                      exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
                      exchange.getResponseSender().send(ByteBuffer.wrap(page));
                    });
          });
    }
  }
}
