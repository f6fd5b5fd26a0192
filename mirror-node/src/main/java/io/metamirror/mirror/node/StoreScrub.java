package io.metamirror.mirror.node;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import io.metamirror.sync.agent.SyncAgent;
import io.metamirror.sync.store.LocalFile;
import io.metamirror.sync.store.Store;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background scrub (issue 17 item 5): re-hashes every file of the store and its gzip twin
 * against the local manifest, paced by {@link ScrubPace} so that one pass covers the store once per
 * period. It finds what the check at first serve ({@link VerifiedFiles}) cannot: a file never
 * requested since start, and one that rotted after its check without its size or mtime moving.
 *
 * <p><b>Contract.</b> A pass lists the manifest when it begins and goes through it in path order,
 * checking the entry listed for each path at the time it gets there (one deleted meanwhile is
 * skipped; files added meanwhile were verified by the agent as it wrote them). The file must hash
 * to the entry's sha256, its twin, when there is one, inflate to it; a listed file missing from
 * disk, or a link, is damage too. Damage goes where damage found by a request goes ({@link
 * VerifiedFiles#mismatch}): never served from then on, counted and logged once, repaired in place
 * by the agent. A file already known damaged is not read again; the agent is asked again.
 *
 * <p><b>Racing the agent.</b> Hashing never holds the agent's write lock. A mismatch is confirmed
 * under it ({@link SyncAgent#whileTreeSettled}, a manifest lookup and an lstat): it is damage only
 * if the manifest still lists the entry hashed against and the file is still the one hashed (size,
 * mtime, inode). Otherwise a page replaced the file, and it is checked once more against the entry
 * listed now.
 *
 * <p><b>Restarts</b> resume the pass after the last path saved in {@link ScrubState} (every {@link
 * #SAVE_EVERY}, at the end of a pass and on close) and start no new pass before the period since
 * the last one began is up. A state file that cannot be read is logged, and the scrub starts over.
 *
 * <p><b>Threads.</b> One daemon thread from {@link #start} to {@link #close}; it alone touches the
 * state; the counters are read by the metrics from any thread. A pass that fails on an unexpected
 * error is logged ({@code event=scrub_pass_failed}) and the next starts a period later.
 */
final class StoreScrub implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(StoreScrub.class);

  /** Under the store's state directory. */
  static final String STATE_FILE = "scrub";

  static final Duration SAVE_EVERY = Duration.ofSeconds(30);

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final Store store;
  private final SyncAgent agent;
  private final VerifiedFiles verified;
  private final Duration period;
  private final Clock clock;
  private final Path stateFile;
  private final Thread thread;
  private final LongAdder files = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder mismatches = new LongAdder();
  private volatile long lastPassCompletedMillis;
  private volatile Consumer<LocalFile> beforeHashing = entry -> {};

  /** Only the scrub's thread touches it. */
  private ScrubState state;

  /** What checking one file (or twin) found. */
  private enum Outcome {
    GOOD,
    DAMAGED,
    /** Not the entry's version, but a page replaced it meanwhile: not damage. */
    REPLACED
  }

  /** What this run of a pass did, for its log line. */
  private static final class Tally {
    long files;
    long bytes;
    long mismatches;
  }

  StoreScrub(Store store, SyncAgent agent, VerifiedFiles verified, Duration period, Clock clock) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("scrub period <= 0: " + period);
    }
    this.store = store;
    this.agent = agent;
    this.verified = verified;
    this.period = period;
    this.clock = clock;
    this.stateFile = store.stateDir().resolve(STATE_FILE);
    this.thread = new Thread(this::run, threadName(store));
    thread.setDaemon(true);
  }

  /** The name of the scrub's thread for {@code store}. */
  static String threadName(Store store) {
    return "metamirror-scrub " + store.root();
  }

  void start() {
    thread.start();
  }

  /** Stops the thread, which saves where it is; waits for it. */
  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(CLOSE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Files and twins read. */
  long files() {
    return files.sum();
  }

  /** Bytes of files and twins read. */
  long bytes() {
    return bytes.sum();
  }

  /** Damaged files and twins the scrub found (first); each is also an integrity failure. */
  long mismatches() {
    return mismatches.sum();
  }

  /** When the last whole pass ended, in unix seconds; 0 when none has yet. */
  double lastPassCompletedSeconds() {
    return lastPassCompletedMillis / 1000.0;
  }

  /** Seam for tests: hears each entry just before its file is hashed, on the scrub's thread. */
  void beforeHashing(Consumer<LocalFile> hook) {
    beforeHashing = hook;
  }

  private void run() {
    state = loadState();
    lastPassCompletedMillis = state.completedMillis();
    log.info(
        "event=scrub_started period_s={} resume_after={} completed_ms={}",
        period.toSeconds(),
        state.after(),
        state.completedMillis());
    try {
      while (true) {
        long wait = Math.min(period.toMillis(), state.passStartedMillis() - clock.millis());
        if (wait > 0) {
          TimeUnit.MILLISECONDS.sleep(wait);
        }
        try {
          pass();
        } catch (RuntimeException e) {
          log.error("event=scrub_pass_failed error=\"{}\"", e.toString(), e);
          state = new ScrubState(clock.millis() + period.toMillis(), null, state.completedMillis());
        }
      }
    } catch (InterruptedException e) {
      // closing
    } finally {
      Thread.interrupted(); // a write of the state must not meet a pending interrupt
      save();
    }
  }

  private ScrubState loadState() {
    try {
      ScrubState saved = ScrubState.read(stateFile);
      if (saved != null) {
        return saved;
      }
    } catch (IOException e) {
      log.warn("event=scrub_state_ignored file={} error=\"{}\"", stateFile, e.getMessage());
    }
    return new ScrubState(clock.millis(), null, 0);
  }

  private void save() {
    try {
      state.write(stateFile);
    } catch (IOException e) {
      log.warn("event=scrub_state_write_failed file={} error=\"{}\"", stateFile, e.getMessage());
    }
  }

  private void pass() throws InterruptedException {
    if (state.after() == null) {
      state = new ScrubState(clock.millis(), null, state.completedMillis()); // begins now
    }
    // In path order without a list of the files: a million entries would not fit in the heap.
    Iterable<LocalFile> listed = store.filesInPathOrder(state.after());
    ScrubPace pace = ScrubPace.of(store.totalSize(), store.fileCount(), period);
    Tally tally = new Tally();
    long began = System.nanoTime();
    long saved = began;
    long cost = 0;
    for (LocalFile listedFile : listed) {
      ContentPath path = listedFile.path(); // after state.after(), checked before a restart
      LocalFile entry = store.file(path);
      if (entry != null) {
        check(entry, tally, true);
      }
      cost += ScrubPace.cost(listedFile.size());
      state = state.checked(path);
      if (System.nanoTime() - saved >= SAVE_EVERY.toNanos()) {
        save();
        saved = System.nanoTime();
      }
      long pause = pace.pauseNanos(cost, System.nanoTime() - began);
      if (pause > 0) {
        TimeUnit.NANOSECONDS.sleep(pause);
      }
    }
    long now = clock.millis();
    log.info(
        "event=scrub_pass files={} bytes={} mismatches={} seconds={} pace_bytes_per_s={}",
        tally.files,
        tally.bytes,
        tally.mismatches,
        Math.max(0, now - state.passStartedMillis()) / 1000,
        pace.bytesPerSecond());
    lastPassCompletedMillis = now;
    state = new ScrubState(Math.max(now, state.passStartedMillis() + period.toMillis()), null, now);
    save();
  }

  /** Checks the file of {@code entry} and its twin; once more against a newer entry if replaced. */
  private void check(LocalFile entry, Tally tally, boolean again) throws InterruptedException {
    Outcome outcome = checkFile(entry, false, tally);
    if (outcome != Outcome.REPLACED && store.wantsTwin(entry.path(), entry.size())) {
      outcome = checkFile(entry, true, tally);
    }
    if (outcome == Outcome.REPLACED && again) {
      LocalFile now = store.file(entry.path());
      if (now != null) {
        check(now, tally, false);
      }
    }
  }

  private Outcome checkFile(LocalFile entry, boolean twin, Tally tally)
      throws InterruptedException {
    ContentPath path = entry.path();
    Path file = twin ? Store.twinFile(store.pathOf(path)) : store.pathOf(path);
    VerifiedFiles.Stamp stamp = stamp(entry, file);
    if (twin && !stamp.onDisk()) {
      return Outcome.GOOD; // no twin: gzip clients get the file
    }
    if (Boolean.FALSE.equals(verified.known(path, twin, stamp))) {
      return Outcome.DAMAGED; // found before: counted, and the agent was asked again
    }
    String problem = "missing or not a regular file";
    if (stamp.onDisk()) {
      if (!twin) {
        beforeHashing.accept(entry);
      }
      problem = problem(file, twin, entry.sha256());
      tally.files++;
      tally.bytes += stamp.size();
      files.increment();
      bytes.add(stamp.size());
    }
    if (problem == null) {
      verified.verified(path, twin, stamp);
      return Outcome.GOOD;
    }
    boolean damaged =
        agent.whileTreeSettled(
            () -> entry.equals(store.file(path)) && stamp(entry, file).equals(stamp));
    if (!damaged) {
      return Outcome.REPLACED;
    }
    if (verified.mismatch(path, twin, stamp, problem)) {
      tally.mismatches++;
      mismatches.increment();
    }
    return Outcome.DAMAGED;
  }

  /** What {@code file} is now, as a file of {@code entry}'s version. */
  private static VerifiedFiles.Stamp stamp(LocalFile entry, Path file) {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.isRegularFile()) {
        return VerifiedFiles.Stamp.of(entry.sha256(), attributes);
      }
    } catch (IOException e) {
      // missing
    }
    return VerifiedFiles.Stamp.notOnDisk(entry.sha256());
  }

  /**
   * Null when {@code file} is {@code expected} (inflated first when it is a {@code twin}), else
   * what it is instead.
   */
  private static String problem(Path file, boolean twin, Sha256 expected)
      throws InterruptedException {
    try (FileChannel channel =
            FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        InputStream in = Channels.newInputStream(channel)) {
      if (!twin) {
        Sha256 actual = Sha256.of(in);
        return actual.equals(expected) ? null : actual.toString();
      }
      Sha256 inflated;
      try {
        inflated = Sha256.of(new GZIPInputStream(in));
      } catch (IOException e) {
        stopIfInterrupted(e);
        return "not gzip: " + e.getMessage();
      }
      return inflated.equals(expected) ? null : "inflates to " + inflated;
    } catch (IOException e) {
      stopIfInterrupted(e);
      return "unreadable: " + e.getMessage();
    }
  }

  /** A read cut short by {@link #close} is not damage. */
  private static void stopIfInterrupted(IOException e) throws InterruptedException {
    if (e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("scrub closing");
    }
  }
}
