package io.metamirror.sync.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.FeedPage;
import io.metamirror.protocol.JournalEntry;
import io.metamirror.protocol.Sha256;
import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.store.Cursor;
import io.metamirror.sync.store.LocalFile;
import io.metamirror.sync.store.Store;
import io.metamirror.sync.verify.StoreVerifier;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link Store} equal to the origin's tree: bootstraps from a snapshot when the store is
 * empty, belongs to another epoch, or is too far behind (410); otherwise long-polls the feed and
 * applies each page with {@link PageApplier}.
 *
 * <p>Failures become state, not crashes: an unreachable origin or a local I/O error is retried with
 * exponential backoff and jitter (capped by {@link Config#maxBackoff}) and shows in {@link
 * #status()} as {@code lastError}; an entry whose content keeps arriving wrong, or a full disk,
 * makes the state {@code stalled} until a retry succeeds. Nothing is deleted while the origin is
 * unreachable: the last good tree stays. While it is away, its health is asked every {@link
 * #PROBE_INTERVAL} and the pause ends as soon as it is back ({@link RetryWait}). A snapshot or page
 * that would remove more than {@link Config#maxShrinkPercent} of the store's files is refused
 * ({@link ShrinkGuard}): the state turns {@code refused_shrink} and the change is asked for again
 * at each retry, until the origin is fixed or an operator accepts it.
 *
 * <p>Threads: {@link #start()} runs the loop on one thread; blob downloads run on a pool of {@link
 * Config#parallel} threads; {@link #repair} re-fetches damaged files on a thread of its own. {@link
 * #writeLock} is held by whoever writes the store's tree (a page, a bootstrap, a repair), so a
 * repair never interleaves with a page and always installs the version the manifest lists then.
 */
public final class SyncAgent implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(SyncAgent.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How often the health of an origin that is away is asked during a backoff pause. */
  static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

  /** How long one such question may take: an origin slower than that is not back yet. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  /**
   * @param parallel concurrent blob downloads
   * @param pageLimit entries per feed request
   * @param waitSeconds long-poll wait per feed request
   * @param maxBackoff the longest pause between retries
   * @param maxShrinkPercent the largest share of the store's files a snapshot or a feed page may
   *     remove without an operator's acceptance ({@link ShrinkGuard}); 100 turns the guard off
   */
  public record Config(
      URI origin,
      int parallel,
      int pageLimit,
      int waitSeconds,
      Duration maxBackoff,
      Duration connectTimeout,
      Duration requestTimeout,
      int maxShrinkPercent) {
    /** The share of a store's files a new epoch or a page may remove unasked. */
    public static final int DEFAULT_MAX_SHRINK_PERCENT = 50;

    public Config {
      if (parallel <= 0) {
        throw new IllegalArgumentException("parallel <= 0: " + parallel);
      }
      if (pageLimit <= 0) {
        throw new IllegalArgumentException("pageLimit <= 0: " + pageLimit);
      }
      if (waitSeconds < 0 || waitSeconds > 60) {
        throw new IllegalArgumentException("waitSeconds not in 0..60: " + waitSeconds);
      }
      if (maxShrinkPercent < 0 || maxShrinkPercent > 100) {
        throw new IllegalArgumentException("max shrink not in 0..100: " + maxShrinkPercent);
      }
    }

    public static Config defaults(URI origin) {
      return new Config(
          origin,
          16,
          1000,
          30,
          Duration.ofSeconds(30),
          Duration.ofSeconds(5),
          Duration.ofSeconds(60),
          DEFAULT_MAX_SHRINK_PERCENT);
    }

    public Config withParallel(int n) {
      return new Config(
          origin,
          n,
          pageLimit,
          waitSeconds,
          maxBackoff,
          connectTimeout,
          requestTimeout,
          maxShrinkPercent);
    }

    public Config withPageLimit(int n) {
      return new Config(
          origin,
          parallel,
          n,
          waitSeconds,
          maxBackoff,
          connectTimeout,
          requestTimeout,
          maxShrinkPercent);
    }

    public Config withWaitSeconds(int n) {
      return new Config(
          origin,
          parallel,
          pageLimit,
          n,
          maxBackoff,
          connectTimeout,
          requestTimeout,
          maxShrinkPercent);
    }

    public Config withMaxShrinkPercent(int percent) {
      return new Config(
          origin,
          parallel,
          pageLimit,
          waitSeconds,
          maxBackoff,
          connectTimeout,
          requestTimeout,
          percent);
    }

    public Config withMaxBackoff(Duration d) {
      return new Config(
          origin,
          parallel,
          pageLimit,
          waitSeconds,
          d,
          connectTimeout,
          requestTimeout,
          maxShrinkPercent);
    }
  }

  private final Store store;
  private final Config config;
  private final Clock clock;
  private final OriginClient origin;
  private final ExecutorService fetchers;
  private final PageApplier applier;
  private final Bootstrapper bootstrapper;
  private final RetryWait retryWait;
  private final List<Consumer<List<JournalEntry>>> listeners = new CopyOnWriteArrayList<>();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ExecutorService repairs;
  private final Set<ContentPath> repairsQueued = ConcurrentHashMap.newKeySet();

  private volatile SyncState state = SyncState.STARTING;
  private volatile long knownHead;
  private volatile long behindSince;
  private volatile String lastError;
  private volatile long lastErrorTime;
  private volatile long progressDone;
  private volatile long progressTotal;
  private volatile boolean resyncRequested;
  private volatile boolean stopping;
  private volatile boolean paused;
  private volatile Thread loop;

  /** The change the shrink guard last refused, so that each refusal is logged once. */
  private volatile ShrinkGuard.Change refused;

  public SyncAgent(Store store, Config config, Clock clock) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.origin =
        new OriginClient(config.origin(), config.connectTimeout(), config.requestTimeout());
    AtomicInteger threads = new AtomicInteger();
    this.fetchers =
        Executors.newFixedThreadPool(
            config.parallel(),
            r -> {
              Thread t = new Thread(r, "metamirror-fetch-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.repairs =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "metamirror-repair");
              t.setDaemon(true);
              return t;
            });
    ShrinkGuard shrinkGuard = new ShrinkGuard(store.stateDir(), config.maxShrinkPercent());
    this.applier = new PageApplier(store, origin, fetchers, shrinkGuard);
    this.bootstrapper =
        new Bootstrapper(store, origin, fetchers, bootstrapWriters(config), shrinkGuard);
    this.retryWait =
        new RetryWait(
            PROBE_INTERVAL,
            System::nanoTime,
            Thread::sleep,
            () -> origin.healthAnswers(PROBE_TIMEOUT));
    this.knownHead = store.cursor().seq();
  }

  /**
   * Batches a bootstrap hands to the writers at once: one per CPU (at least 2), never more than
   * {@code --parallel}. Unpacking is bound by CPU (creating files in the kernel, hashing,
   * compressing twins), not by waiting, so more writers than CPUs only contend: on 2 CPUs, 16 took
   * 14.7-15.8 s and 25-28 CPU-seconds for 100,000 files where 2 took 11.3-15.0 s and 20-27
   * (measured 2026-11-22: `git show efc56d5:bench/README.md`).
   */
  static int bootstrapWriters(Config config) {
    return Math.min(config.parallel(), Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  /** The origin's blobs, verified, for {@code sync verify --repair}. */
  public static io.metamirror.sync.verify.StoreVerifier.BlobSource blobSource(Config config) {
    OriginClient client =
        new OriginClient(config.origin(), config.connectTimeout(), config.requestTimeout());
    return client::fetchBlob;
  }

  /**
   * Re-fetches the file at {@code path} from the origin and installs it in place, atomically (temp
   * file, verified, renamed), with its twin: the mirror node asks for this when it finds the file
   * on disk is not the version {@code expected} the manifest lists. Runs on the repair thread,
   * under {@link #writeLock}; does nothing if the manifest lists another version by then (a page
   * replaced it). A request for a path already queued is dropped. Failures are logged, not retried:
   * the node asks again the next time it finds the file damaged.
   */
  public void repair(ContentPath path, Sha256 expected) {
    if (stopping || !repairsQueued.add(path)) {
      return;
    }
    try {
      repairs.execute(() -> repairNow(path, expected));
    } catch (RejectedExecutionException e) {
      repairsQueued.remove(path); // closing
    }
  }

  /**
   * Runs {@code read} while nothing writes the store's tree (no page, bootstrap or repair), so that
   * what it reads of the manifest and of the disk belong together: the node's scrub confirms a
   * mismatch with it. Waits for a page being applied; {@code read} must be short (no hashing), as
   * pages wait for it.
   */
  public <T> T whileTreeSettled(Supplier<T> read) throws InterruptedException {
    writeLock.lockInterruptibly();
    try {
      return read.get();
    } finally {
      writeLock.unlock();
    }
  }

  private void repairNow(ContentPath path, Sha256 expected) {
    writeLock.lock();
    try {
      repairsQueued.remove(path);
      LocalFile listed = store.file(path);
      if (stopping || listed == null || !listed.sha256().equals(expected)) {
        return;
      }
      StoreVerifier.repair(
          store, List.of(new StoreVerifier.Problem(path, "damaged")), origin::fetchBlob);
      log.info("event=integrity_repaired path={} sha256={}", path, expected);
    } catch (IOException | RuntimeException e) {
      log.warn("event=integrity_repair_failed path={} error=\"{}\"", path, e.getMessage());
    } finally {
      writeLock.unlock();
    }
  }

  /** For crash tests: hears the number of bootstrap install steps done, after each. */
  void afterInstallStep(java.util.function.IntConsumer hook) {
    bootstrapper.afterInstallStep(hook);
  }

  /** Called on the agent's thread after each committed page, with its entries. */
  public void onCommit(Consumer<List<JournalEntry>> listener) {
    listeners.add(listener);
  }

  public SyncStatus status() {
    Cursor cursor = store.cursor();
    long head = Math.max(knownHead, cursor.seq());
    double lag =
        cursor.seq() >= head || behindSince == 0
            ? 0
            : Math.max(0, clock.millis() - behindSince) / 1000.0;
    return new SyncStatus(
        state,
        cursor.epoch() == null ? null : cursor.epoch().value(),
        cursor.seq(),
        head,
        lag,
        lastError,
        lastErrorTime,
        progressDone,
        progressTotal);
  }

  /** Catches up with the origin's head as it is now, then returns. Throws on the first failure. */
  public void catchUp() throws IOException {
    while (true) {
      if (step(0) == 0 && store.cursor().seq() >= knownHead) {
        setState(SyncState.FOLLOWING);
        return;
      }
    }
  }

  /** Follows the origin on a background thread until {@link #close()}. */
  public synchronized void start() {
    if (loop != null) {
      throw new IllegalStateException("already started");
    }
    loop = new Thread(this::run, "metamirror-sync");
    loop.setDaemon(true);
    loop.start();
  }

  /**
   * Stops applying pages until {@link #resume()} (the store stays as it is; status unchanged). For
   * game days and for tests of the replication race.
   */
  public void pause() {
    paused = true;
  }

  public void resume() {
    paused = false;
  }

  private void run() {
    int failures = 0;
    while (!stopping) {
      if (paused) {
        sleep(20);
        continue;
      }
      try {
        step(config.waitSeconds());
        failures = 0;
        if (lastError != null && store.cursor().seq() >= knownHead) {
          lastError = null;
        }
      } catch (IOException | RuntimeException e) {
        if (stopping) {
          break;
        }
        failures++;
        boolean stalled = e instanceof BadEntryException || isDiskFull(e);
        // The error first: whoever sees the new state must see why.
        lastError = isDiskFull(e) ? "disk full: " + e.getMessage() : e.getMessage();
        lastErrorTime = clock.millis();
        setState(
            e instanceof ShrinkRefusedException
                ? SyncState.REFUSED_SHRINK
                : stalled
                    ? SyncState.STALLED
                    : state == SyncState.BOOTSTRAPPING
                        ? SyncState.BOOTSTRAPPING
                        : SyncState.FOLLOWING);
        long pause = backoffMillis(failures);
        RetryWait.Reason reason = RetryWait.Reason.of(e);
        log.warn(
            "event=sync_failed state={} attempt={} retry_in_ms={} origin_away={} error=\"{}\"",
            state,
            failures,
            pause,
            reason != RetryWait.Reason.OTHER,
            String.valueOf(lastError).replace('"', '\''));
        writeStatus();
        waitBeforeRetry(pause, reason);
      }
    }
    setState(SyncState.STOPPED);
  }

  private void waitBeforeRetry(long pause, RetryWait.Reason reason) {
    long start = System.nanoTime();
    try {
      if (retryWait.await(pause, reason, () -> stopping)) {
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
    lastError = e.getMessage();
    lastErrorTime = clock.millis();
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
    setState(SyncState.REFUSED_SHRINK);
  }

  private int stepGuarded(int waitSeconds) throws IOException {
    Cursor cursor = store.cursor();
    if (cursor.epoch() == null || resyncRequested) {
      writeLock.lock();
      try {
        bootstrap();
      } finally {
        writeLock.unlock();
      }
      return 1;
    }
    FeedPage page;
    try {
      page = origin.feed(cursor.seq(), waitSeconds, config.pageLimit());
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
    knownHead = page.head();
    if (paused) {
      return 0; // a page that arrived while we were told to hold still is fetched again later
    }
    if (page.entries().isEmpty()) {
      behindSince = 0;
      setState(SyncState.FOLLOWING);
      return 0;
    }
    if (behindSince == 0) {
      behindSince = page.entries().get(0).time();
    }
    if (progressTotal == 0 || store.cursor().seq() >= knownHead) {
      progressDone = 0;
      progressTotal = knownHead - cursor.seq();
    }
    List<JournalEntry> applied;
    writeLock.lock();
    try {
      applied = applyUpToBadEntry(page);
    } finally {
      writeLock.unlock();
    }
    progressDone += applied.size();
    if (store.cursor().seq() >= knownHead) {
      behindSince = 0;
      progressTotal = 0;
      progressDone = 0;
    } else {
      behindSince = Math.max(behindSince, applied.get(applied.size() - 1).time());
    }
    setState(SyncState.FOLLOWING);
    notifyListeners(applied);
    return applied.size();
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
        List<JournalEntry> before =
            applyUpToBadEntry(
                new FeedPage(page.epoch(), page.head(), page.entries().subList(0, bad)));
        progressDone += before.size();
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

  private void bootstrap() throws IOException {
    setState(SyncState.BOOTSTRAPPING);
    progressDone = 0;
    progressTotal = 0;
    Cursor cursor = bootstrapper.run(n -> progressTotal = n, n -> progressDone = n);
    resyncRequested = false;
    knownHead = Math.max(knownHead, cursor.seq());
    progressDone = 0;
    progressTotal = 0;
    behindSince = 0;
    setState(SyncState.FOLLOWING);
  }

  private void setState(SyncState next) {
    if (next != state) {
      log.info("event=sync_state state={} seq={}", next, store.cursor().seq());
    }
    state = next;
    writeStatus();
  }

  /**
   * For {@code metamirror sync status} in another process; atomic, not durable: it is rewritten
   * after every page, and a status lost in a crash is stale anyway.
   */
  private void writeStatus() {
    try {
      SyncStatus s = status();
      java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
      body.put("state", s.state());
      body.put("origin", config.origin().toString());
      body.put("epoch", s.epoch());
      body.put("appliedSeq", s.appliedSeq());
      body.put("knownHead", s.knownHead());
      body.put("lagEntries", s.lagEntries());
      body.put("lagSeconds", s.lagSeconds());
      body.put("lastError", s.lastError());
      body.put("lastErrorTime", s.lastErrorTime());
      body.put("updated", clock.millis());
      body.put("pid", ProcessHandle.current().pid());
      io.metamirror.protocol.AtomicFile.at(store.stateDir().resolve("status.json"))
          .withoutFsync()
          .write(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      log.debug("cannot write status.json: {}", e.toString());
    }
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

  @Override
  public void close() {
    stopping = true;
    Thread t;
    synchronized (this) {
      t = loop;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    fetchers.shutdownNow();
    repairs.shutdownNow();
    try {
      repairs.awaitTermination(30, TimeUnit.SECONDS); // a repair must not outlive the store
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    setState(SyncState.STOPPED);
  }
}
