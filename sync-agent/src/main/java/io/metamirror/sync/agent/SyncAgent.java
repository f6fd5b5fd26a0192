package io.metamirror.sync.agent;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.JournalEntry;
import io.metamirror.protocol.Sha256;
import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.store.Store;
import io.metamirror.sync.verify.StoreVerifier;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Keeps a {@link Store} equal to the origin's tree: bootstraps from a snapshot when the store is
 * empty, belongs to another epoch, or is too far behind (410); catches up from the snapshot as a
 * delta, keeping its unchanged files, when more than {@link Config#snapshotBehindPercent} of its
 * files behind; otherwise long-polls the feed and applies each page with {@link PageApplier}.
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
 * <p>This class is the public face and the wiring; the work is done by package-private parts: the
 * loop that bootstraps, follows and retries ({@link FollowLoop}), the status it records ({@link
 * StatusRecorder}), the repair of damaged files ({@link RepairWorker}) and the lock between them
 * ({@link TreeWriteLock}).
 *
 * <p>Threads: {@link #start()} runs the loop on one thread; blob downloads run on a pool of {@link
 * Config#parallel} threads; the feed request made while a page is applied runs on a thread of its
 * own ({@link FollowLoop}); {@link #repair} re-fetches damaged files on a thread of its own. The
 * {@link TreeWriteLock} is held by whoever writes the store's tree (a page, a bootstrap, a repair),
 * so a repair never interleaves with a page and always installs the version the manifest lists
 * then. {@link #close()} sets {@code stopping}, which the loop and the repair thread both heed.
 */
public final class SyncAgent implements Closeable {
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
   * @param snapshotBehindPercent a store more than this share of its files (and more than a page)
   *     behind the origin's head catches up from the snapshot, as a delta; 0 never does
   * @param inlineBytes how much content one feed page may carry inline (small files then need no
   *     blob request; an origin of before issue 21 sends none); 0 asks for none
   */
  public record Config(
      URI origin,
      int parallel,
      int pageLimit,
      int waitSeconds,
      Duration maxBackoff,
      Duration connectTimeout,
      Duration requestTimeout,
      int maxShrinkPercent,
      int snapshotBehindPercent,
      long inlineBytes) {
    /** The share of a store's files a new epoch or a page may remove unasked. */
    public static final int DEFAULT_MAX_SHRINK_PERCENT = 50;

    /** Inline content per feed page: a whole page of 1–5 KiB metadata files, mostly. */
    public static final long DEFAULT_INLINE_BYTES = 1 << 20;

    /**
     * Entries behind, as a percentage of the store's files, beyond which a store catches up from
     * the snapshot rather than page by page: replaying an entry (a blob request, a file and its
     * twin written, its share of a page's flush) cost 4 to 7 times what a file of a bootstrap
     * costs, and a delta snapshot with a fifth of the files changed 0.4 to 0.6 of a bootstrap
     * (bench/RESULTS.md, catch-up), so that the two meet near 9 %.
     */
    public static final int DEFAULT_SNAPSHOT_BEHIND_PERCENT = 10;

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
      if (snapshotBehindPercent < 0) {
        throw new IllegalArgumentException("snapshotBehindPercent < 0: " + snapshotBehindPercent);
      }
      if (inlineBytes < 0) {
        throw new IllegalArgumentException("inlineBytes < 0: " + inlineBytes);
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
          DEFAULT_MAX_SHRINK_PERCENT,
          DEFAULT_SNAPSHOT_BEHIND_PERCENT,
          DEFAULT_INLINE_BYTES);
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
          maxShrinkPercent,
          snapshotBehindPercent,
          inlineBytes);
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
          maxShrinkPercent,
          snapshotBehindPercent,
          inlineBytes);
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
          maxShrinkPercent,
          snapshotBehindPercent,
          inlineBytes);
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
          percent,
          snapshotBehindPercent,
          inlineBytes);
    }

    public Config withInlineBytes(long n) {
      return new Config(
          origin,
          parallel,
          pageLimit,
          waitSeconds,
          maxBackoff,
          connectTimeout,
          requestTimeout,
          maxShrinkPercent,
          snapshotBehindPercent,
          n);
    }

    /** 0: never from the snapshot, every backlog is replayed (as before issue 21). */
    public Config withSnapshotBehindPercent(int percent) {
      return new Config(
          origin,
          parallel,
          pageLimit,
          waitSeconds,
          maxBackoff,
          connectTimeout,
          requestTimeout,
          maxShrinkPercent,
          percent,
          inlineBytes);
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
          maxShrinkPercent,
          snapshotBehindPercent,
          inlineBytes);
    }
  }

  private final ExecutorService fetchers;
  private final ExecutorService feedAhead;
  private final Bootstrapper bootstrapper;
  private final TreeWriteLock tree = new TreeWriteLock();
  private final StatusRecorder status;
  private final RepairWorker repairs;
  private final FollowLoop follow;

  private volatile boolean stopping;
  private volatile Thread loop;

  public SyncAgent(Store store, Config config, Clock clock) {
    OriginClient origin =
        new OriginClient(config.origin(), config.connectTimeout(), config.requestTimeout());
    this.fetchers =
        Executors.newFixedThreadPool(config.parallel(), daemonThreads("metamirror-fetch-"));
    // Cached: a request dropped unanswered keeps its thread until its long-poll ends.
    this.feedAhead = Executors.newCachedThreadPool(daemonThreads("metamirror-feed-ahead-"));
    this.repairs = new RepairWorker(store, origin, tree, () -> stopping);
    ShrinkGuard shrinkGuard = new ShrinkGuard(store.stateDir(), config.maxShrinkPercent());
    PageApplier applier = new PageApplier(store, origin, fetchers, shrinkGuard);
    this.bootstrapper =
        new Bootstrapper(store, origin, fetchers, bootstrapWriters(config), shrinkGuard);
    RetryWait retryWait =
        new RetryWait(
            PROBE_INTERVAL,
            System::nanoTime,
            Thread::sleep,
            () -> origin.healthAnswers(PROBE_TIMEOUT));
    this.status = new StatusRecorder(store, config.origin(), clock);
    this.follow =
        new FollowLoop(
            store,
            config,
            origin,
            applier,
            bootstrapper,
            retryWait,
            tree,
            status,
            () -> stopping,
            feedAhead);
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
  public static StoreVerifier.BlobSource blobSource(Config config) {
    OriginClient client =
        new OriginClient(config.origin(), config.connectTimeout(), config.requestTimeout());
    return client::fetchBlob;
  }

  /**
   * Re-fetches the file at {@code path} from the origin and installs it in place, atomically (temp
   * file, verified, renamed), with its twin: the mirror node asks for this when it finds the file
   * on disk is not the version {@code expected} the manifest lists. Runs on the repair thread,
   * under the tree's write lock; does nothing if the manifest lists another version by then (a page
   * replaced it). A request for a path already queued is dropped. Failures are logged, not retried:
   * the node asks again the next time it finds the file damaged ({@link RepairWorker}).
   */
  public void repair(ContentPath path, Sha256 expected) {
    repairs.request(path, expected);
  }

  /**
   * Runs {@code read} while nothing writes the store's tree (no page, bootstrap or repair), so that
   * what it reads of the manifest and of the disk belong together: the node's scrub confirms a
   * mismatch with it. Waits for a page being applied; {@code read} must be short (no hashing), as
   * pages wait for it.
   */
  public <T> T whileTreeSettled(Supplier<T> read) throws InterruptedException {
    return tree.whileSettled(read);
  }

  /** For crash tests: hears the number of bootstrap install steps done, after each. */
  void afterInstallStep(IntConsumer hook) {
    bootstrapper.afterInstallStep(hook);
  }

  /** Called on the agent's thread after each committed page, with its entries. */
  public void onCommit(Consumer<List<JournalEntry>> listener) {
    follow.onCommit(listener);
  }

  public SyncStatus status() {
    return status.status();
  }

  /** Catches up with the origin's head as it is now, then returns. Throws on the first failure. */
  public void catchUp() throws IOException {
    follow.catchUp();
  }

  /** Follows the origin on a background thread until {@link #close()}. */
  public synchronized void start() {
    if (loop != null) {
      throw new IllegalStateException("already started");
    }
    loop = new Thread(follow::run, "metamirror-sync");
    loop.setDaemon(true);
    loop.start();
  }

  /**
   * Stops applying pages until {@link #resume()} (the store stays as it is; status unchanged). For
   * game days and for tests of the replication race.
   */
  public void pause() {
    follow.pause();
  }

  public void resume() {
    follow.resume();
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger threads = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
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
    feedAhead.shutdownNow();
    repairs.close(); // a repair must not outlive the store
    status.setState(SyncState.STOPPED);
  }
}
