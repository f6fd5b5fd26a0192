package io.metamirror.sync.agent;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import io.metamirror.sync.store.LocalFile;
import io.metamirror.sync.store.Store;
import io.metamirror.sync.verify.StoreVerifier;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-fetches files the mirror node found damaged ({@link SyncAgent#repair}), one at a time on a
 * thread of its own, each under the {@link TreeWriteLock} so that it never interleaves with a page.
 *
 * <p>A request for a path already queued is dropped; so is one made once the agent is stopping. A
 * queued repair does nothing if, by the time it runs, the manifest lists another version than the
 * one found damaged (a page replaced it). Failures are logged, not retried: the node asks again the
 * next time it finds the file damaged. {@link #close()} waits for a running repair, which must not
 * outlive the store.
 */
final class RepairWorker {
  /** The agent's events: logged under its name, as before they moved here. */
  private static final Logger log = LoggerFactory.getLogger(SyncAgent.class);

  private final Store store;
  private final OriginClient origin;
  private final TreeWriteLock tree;
  private final BooleanSupplier stopping;
  private final ExecutorService thread;
  private final Set<ContentPath> queued = ConcurrentHashMap.newKeySet();

  RepairWorker(Store store, OriginClient origin, TreeWriteLock tree, BooleanSupplier stopping) {
    this.store = store;
    this.origin = origin;
    this.tree = tree;
    this.stopping = stopping;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "metamirror-repair");
              t.setDaemon(true);
              return t;
            });
  }

  /** Queues a repair of {@code path}, found on disk not to be the version {@code expected}. */
  void request(ContentPath path, Sha256 expected) {
    if (stopping.getAsBoolean() || !queued.add(path)) {
      return;
    }
    try {
      thread.execute(() -> repairNow(path, expected));
    } catch (RejectedExecutionException e) {
      queued.remove(path); // closing
    }
  }

  private void repairNow(ContentPath path, Sha256 expected) {
    try {
      if (tree.writing(() -> repairIfStillListed(path, expected))) {
        log.info("event=integrity_repaired path={} sha256={}", path, expected);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("event=integrity_repair_failed path={} error=\"{}\"", path, e.getMessage());
    }
  }

  /** Under the tree lock: repairs the file if the manifest still lists {@code expected}. */
  private boolean repairIfStillListed(ContentPath path, Sha256 expected) throws IOException {
    queued.remove(path);
    LocalFile listed = store.file(path);
    if (stopping.getAsBoolean() || listed == null || !listed.sha256().equals(expected)) {
      return false;
    }
    StoreVerifier.repair(
        store, List.of(new StoreVerifier.Problem(path, "damaged")), origin::fetchBlob);
    return true;
  }

  /** Drops queued repairs, interrupts a running one and waits up to 30 s for it to end. */
  void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
