package io.metamirror.mirror.node;

import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Protocols;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests being answered, so that a stopping server can wait for them. Unlike
 * Undertow's {@code GracefulShutdownHandler}, it never refuses a request: once {@link #closing()}
 * has been called, a request that arrives on an HTTP/1.1 connection opened before is answered as
 * usual with {@code Connection: close}, so the client's next request opens a connection to a
 * listener that is gone and goes elsewhere, rather than getting a 503 from a node that could have
 * answered.
 *
 * <p>The count is an atomic; {@code idle} is the monitor a waiting stopper sleeps on, notified when
 * the count reaches zero while closing.
 */
final class InFlightRequests implements HttpHandler {
  private final HttpHandler next;
  private final AtomicInteger active = new AtomicInteger();
  private final Object idle = new Object();
  private volatile boolean closing;

  private final ExchangeCompletionListener done =
      (exchange, nextListener) -> {
        try {
          if (active.decrementAndGet() == 0 && closing) {
            synchronized (idle) {
              idle.notifyAll();
            }
          }
        } finally {
          nextListener.proceed();
        }
      };

  InFlightRequests(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    active.incrementAndGet();
    exchange.addExchangeCompleteListener(done);
    // HTTP/2 has no Connection header; its connections end when the server stops.
    if (closing && !exchange.getProtocol().equals(Protocols.HTTP_2_0)) {
      exchange.setPersistent(false);
    }
    next.handleRequest(exchange);
  }

  /** From now on, HTTP/1.1 connections close after their current request. */
  void closing() {
    closing = true;
  }

  /** Waits until no request is being answered or {@code bound} has passed; true when none is. */
  boolean awaitNone(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    synchronized (idle) {
      while (active.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        // Bounded waits as well: a request may finish between the check and the wait.
        idle.wait(Math.max(1, Math.min(Duration.ofNanos(left).toMillis(), 50)));
      }
    }
    return true;
  }

  int active() {
    return active.get();
  }
}
