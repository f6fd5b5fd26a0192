package io.metamirror.sync.agent;

import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.FeedPage;
import io.metamirror.protocol.JournalEntry;
import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.store.Cursor;
import io.metamirror.sync.store.Store;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's loop: each round bootstraps when the store needs it (no epoch yet, or the origin
 * asked for a resync: another epoch, or a 410), else asks the feed for one page and applies it; a
 * failed round is retried after a backoff ({@link RetryWait}), its error recorded as state. A store
 * {@link #farBehind} the origin's head catches up from the snapshot instead, as a delta that keeps
 * its unchanged files ({@link Bootstrapper}).
 *
 * <p>Runs on one thread, the agent's ({@link #run}) or the caller's ({@link #catchUp}); pages and
 * bootstraps are written under the {@link TreeWriteLock}. {@link #pause} and {@link #resume} may be
 * called from any thread; the loop ends once {@code stopping} says so.
 *
 * <p>The next page is asked for as soon as a page with entries arrives, on {@code feedAhead}, while
 * that page is applied and flushed (issue 21: the flush no longer delays hearing of the next change
 * by its length, and the question is at the origin a one-way trip sooner). Only the cursor decides
 * what is applied: the answer is used when the page before it has committed, up to the seq it was
 * asked after; otherwise, or when it failed, it is dropped and the feed asked again.
 */
final class FollowLoop {
  /** The agent's events: logged under its name, as before they moved here. */
  private static final Logger log = LoggerFactory.getLogger(SyncAgent.class);

  private final Store store;
  private final SyncAgent.Config config;
  private final OriginClient origin;
  private final PageApplier applier;
  private final Bootstrapper bootstrapper;
  private final RetryWait retryWait;
  private final TreeWriteLock tree;
  private final StatusRecorder status;
  private final BooleanSupplier stopping;
  private final List<Consumer<List<JournalEntry>>> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService feedAhead;

  /** The feed request made ahead, or null; only the loop's thread touches it. */
  private FeedRequest ahead;

  /** A feed request for the entries after {@code since} of {@code epoch}. */
  private record FeedRequest(Epoch epoch, long since, Future<FeedPage> page) {}

  private volatile boolean resyncRequested;
  private volatile boolean paused;

  /** The change the shrink guard last refused, so that each refusal is logged once. */
  private volatile ShrinkGuard.Change refused;

  FollowLoop(
      Store store,
      SyncAgent.Config config,
      OriginClient origin,
      PageApplier applier,
      Bootstrapper bootstrapper,
      RetryWait retryWait,
      TreeWriteLock tree,
      StatusRecorder status,
      BooleanSupplier stopping,
      ExecutorService feedAhead) {
    this.store = store;
    this.config = config;
    this.origin = origin;
    this.applier = applier;
    this.bootstrapper = bootstrapper;
    this.retryWait = retryWait;
    this.tree = tree;
    this.status = status;
    this.stopping = stopping;
    this.feedAhead = feedAhead;
  }

  void onCommit(Consumer<List<JournalEntry>> listener) {
    listeners.add(listener);
  }

  void pause() {
    paused = true;
  }

  void resume() {
    paused = false;
  }

  /** See {@link SyncAgent#catchUp()}. */
  void catchUp() throws IOException {
    while (true) {
      if (step(0) == 0 && store.cursor().seq() >= status.knownHead()) {
        status.setState(SyncState.FOLLOWING);
        return;
      }
    }
  }

  /** Follows the origin until {@code stopping}; then the state is {@code stopped}. */
  void run() {
    int failures = 0;
    while (!stopping.getAsBoolean()) {
      if (paused) {
        sleep(20);
        continue;
      }
      try {
        step(config.waitSeconds());
        failures = 0;
        status.clearErrorOnceCaughtUp();
      } catch (IOException | RuntimeException e) {
        if (stopping.getAsBoolean()) {
          break;
        }
        failures++;
        // The error first: whoever sees the new state must see why.
        status.failed(isDiskFull(e) ? "disk full: " + e.getMessage() : e.getMessage());
        status.setState(stateAfter(e));
        long pause = backoffMillis(failures);
        RetryWait.Reason reason = RetryWait.Reason.of(e);
        log.warn(
            "event=sync_failed state={} attempt={} retry_in_ms={} origin_away={} error=\"{}\"",
            status.state(),
            failures,
            pause,
            reason != RetryWait.Reason.OTHER,
            String.valueOf(status.lastError()).replace('"', '\''));
        status.writeStatus();
        waitBeforeRetry(pause, reason);
      }
    }
    status.setState(SyncState.STOPPED);
  }

  /**
   * A refusal shows as such; bad content and a full disk stall the agent; anything else is a retry
   * of what it was doing.
   */
  private SyncState stateAfter(Exception e) {
    if (e instanceof ShrinkRefusedException) {
      return SyncState.REFUSED_SHRINK;
    }
    if (e instanceof BadEntryException || isDiskFull(e)) {
      return SyncState.STALLED;
    }
    return status.state() == SyncState.BOOTSTRAPPING
        ? SyncState.BOOTSTRAPPING
        : SyncState.FOLLOWING;
  }

  private void waitBeforeRetry(long pause, RetryWait.Reason reason) {
    long start = System.nanoTime();
    try {
      if (retryWait.await(pause, reason, stopping)) {
        log.info(
            "event=origin_back waited_ms={} pause_ms={}",
            (System.nanoTime() - start) / 1_000_000,
            pause);
      }
    } catch (InterruptedException e) {
      // close() sets stopping before interrupting; the loop looks at it next.
    }
  }

  /** Exponential from 250 ms, capped, with jitter in the upper half so retries spread out. */
  long backoffMillis(int failures) {
    long cap = config.maxBackoff().toMillis();
    long exp = Math.min(cap, 250L << Math.min(failures - 1, 20));
    return exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1);
  }

  /**
   * One round: bootstrap if needed, else one feed request and its page. Returns entries applied.
   */
  private int step(int waitSeconds) throws IOException {
    try {
      int applied = stepGuarded(waitSeconds);
      refused = null;
      return applied;
    } catch (ShrinkRefusedException e) {
      refuse(e);
      throw e;
    }
  }

  /**
   * Turns the state to {@code refused_shrink} with the reason, and tells the operator once per
   * refused change what to do; the change is asked for again at each retry.
   */
  private void refuse(ShrinkRefusedException e) {
    status.failed(e.getMessage());
    if (!e.change().equals(refused)) {
      refused = e.change();
      log.error(
          "event=shrink_refused what={} epoch={} seq={} files={} removed={} action=\"if the"
              + " origin is right, run: metamirror sync accept-epoch --store {}; else fix the"
              + " origin, the agent retries by itself\"",
          e.change().what(),
          e.change().epoch(),
          e.change().seq(),
          e.change().files(),
          e.change().removed(),
          store.root());
    }
    status.setState(SyncState.REFUSED_SHRINK);
  }

  private int stepGuarded(int waitSeconds) throws IOException {
    Cursor cursor = store.cursor();
    if (cursor.epoch() == null || resyncRequested) {
      tree.writing(this::bootstrap);
      return 1;
    }
    FeedPage page;
    try {
      page = nextPage(cursor, waitSeconds);
    } catch (OriginClient.ResyncException e) {
      log.info("event=resync reason=\"{}\"", e.getMessage());
      resyncRequested = true;
      return 1;
    }
    if (!page.epoch().equals(cursor.epoch())) {
      log.info("event=resync reason=epoch_changed old={} new={}", cursor.epoch(), page.epoch());
      resyncRequested = true;
      return 1;
    }
    status.sawHead(page.head());
    if (paused) {
      return 0; // a page that arrived while we were told to hold still is fetched again later
    }
    if (page.entries().isEmpty()) {
      status.upToDate();
      status.setState(SyncState.FOLLOWING);
      return 0;
    }
    long behind = page.head() - cursor.seq();
    if (farBehind(behind, store.fileCount(), config.pageLimit(), config.snapshotBehindPercent())) {
      log.info(
          "event=catch_up_by_snapshot seq={} head={} behind={} files={}",
          cursor.seq(),
          page.head(),
          behind,
          store.fileCount());
      tree.writing(this::catchUpBySnapshot);
      return 1;
    }
    status.pageArrived(page, cursor);
    askAhead(page, waitSeconds);
    List<JournalEntry> applied = tree.writing(() -> applyUpToBadEntry(page));
    status.pageCommitted(applied);
    status.setState(SyncState.FOLLOWING);
    notifyListeners(applied);
    return applied.size();
  }

  /** The answer of the request made ahead when it fits the cursor, else the feed's answer now. */
  private FeedPage nextPage(Cursor cursor, int waitSeconds) throws IOException {
    FeedRequest request = ahead;
    ahead = null;
    if (request != null) {
      if (request.since() == cursor.seq() && request.epoch().equals(cursor.epoch())) {
        try {
          return request.page().get();
        } catch (InterruptedException e) {
          request.page().cancel(true);
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for the feed");
        } catch (ExecutionException e) {
          // Asked while the page before was applied: ask again, so that what fails is fresh.
        }
      } else {
        request.page().cancel(true);
      }
    }
    return origin.feed(cursor.seq(), waitSeconds, config.pageLimit(), config.inlineBytes());
  }

  /** Asks the feed for what follows {@code page}, to be taken by the next {@link #nextPage}. */
  private void askAhead(FeedPage page, int waitSeconds) {
    long last = page.entries().get(page.entries().size() - 1).seq();
    try {
      ahead =
          new FeedRequest(
              page.epoch(),
              last,
              feedAhead.submit(
                  () -> origin.feed(last, waitSeconds, config.pageLimit(), config.inlineBytes())));
    } catch (RejectedExecutionException e) {
      ahead = null; // closing
    }
  }

  /**
   * Applies the page. When an entry's content keeps arriving wrong, the entries before it are
   * committed first (they make a tree the origin had), so that the store stalls right before the
   * bad entry rather than before the whole page; then the failure is thrown.
   */
  private List<JournalEntry> applyUpToBadEntry(FeedPage page) throws IOException {
    try {
      return applier.apply(page);
    } catch (BadEntryException e) {
      int bad = (int) (e.seq() - page.entries().get(0).seq());
      if (bad > 0 && bad < page.entries().size()) {
        // Throws instead when an earlier entry is bad too; that one is then the one reported.
        List<JournalEntry> before = applyUpToBadEntry(page.prefix(bad));
        status.entriesCommitted(before.size());
        notifyListeners(before);
      }
      throw e;
    }
  }

  private void notifyListeners(List<JournalEntry> applied) {
    for (Consumer<List<JournalEntry>> listener : listeners) {
      try {
        listener.accept(applied);
      } catch (RuntimeException e) {
        log.warn("event=commit_listener_failed error=\"{}\"", e.toString());
      }
    }
  }

  /**
   * Whether a store of {@code files} files, {@code behind} entries behind the head, catches up from
   * the snapshot rather than page by page: when the backlog is more than a page and more than
   * {@code percent} of its files ({@link SyncAgent.Config#snapshotBehindPercent}; 0: never). A
   * backlog of one page is replayed whatever the store's size: a snapshot even of a small tree
   * costs more than one page.
   */
  static boolean farBehind(long behind, long files, int pageLimit, int percent) {
    return percent > 0 && behind > pageLimit && behind * 100 > files * percent;
  }

  /**
   * The delta snapshot of a store far behind: the state stays {@code following} (the old tree is
   * whole and keeps serving), with the snapshot's progress.
   */
  private Cursor catchUpBySnapshot() throws IOException {
    status.catchUpStarted();
    Cursor cursor = bootstrapper.run(status::filesToUnpack, status::filesUnpacked);
    status.bootstrapped(cursor);
    return cursor;
  }

  /** Replaces the tree with the origin's snapshot; returns the cursor of the new tree. */
  private Cursor bootstrap() throws IOException {
    status.bootstrapStarted();
    Cursor cursor = bootstrapper.run(status::filesToUnpack, status::filesUnpacked);
    resyncRequested = false;
    status.bootstrapped(cursor);
    return cursor;
  }

  static boolean isDiskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      // close() sets stopping before interrupting; resume() interrupts only to wake us.
    }
  }
}
