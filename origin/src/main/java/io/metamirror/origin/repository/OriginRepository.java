package io.metamirror.origin.repository;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.DirectoryLock;
import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.JournalEntry;
import io.metamirror.protocol.Sha256;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin's data directory: blobs, journal, tree and epoch, and the only way to change them.
 *
 * <pre>
 * DATA/metamirror-origin.json   {"format":1,"epoch":"9f86…","created":"2026-11-22T06:00:00Z"}
 * DATA/.lock                    held by the process that has the directory open
 * DATA/blobs/2c/2c26b4…         content by sha256 ({@link BlobStore})
 * DATA/journal/000…001.log      the entries ({@link Journal})
 * DATA/tree.checkpoint          the tree at some seq ({@link Checkpoint})
 * </pre>
 *
 * <p>Invariants: seq starts at 1 and has no gaps; a publish is visible whole or not at all, because
 * its blobs are durable before its entries are appended and the entries count only with their
 * commit line; the in-memory tree is the checkpoint plus every committed entry after it.
 *
 * <p>Locking: {@link #publishLock} guards the journal's appends, the tree's mutation, {@link
 * #lastTime} and consistent copies of the tree. Reads of single files and of the feed take no lock.
 * {@link #head()} moves only after a batch is both journaled and in the tree, so a reader that
 * reads the head and then looks a path up sees the tree at that seq or later: an absence it finds
 * holds at that seq, and a later put of the path gets a higher seq. A mirror's negative cache
 * relies on this (the origin's 404 names that head).
 *
 * <p>Crash: whatever the instant, re-opening finds the state after the last committed batch (the
 * journal cuts a torn tail; stale staging files are deleted; a checkpoint is only ever replaced
 * whole); {@link Recovery} is that start-up.
 */
public final class OriginRepository implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(OriginRepository.class);

  /**
   * @param retainEntries how many of the newest entries the feed can replay; older ones need a
   *     snapshot
   * @param segmentEntries entries per journal segment (retention drops whole segments)
   * @param checkpointEvery entries between tree checkpoints
   * @param syncfs flush large batches with one {@code sync --file-system} instead of one fsync per
   *     file
   */
  public record Options(
      long retainEntries, long segmentEntries, long checkpointEvery, boolean syncfs) {
    public Options {
      if (retainEntries < 1) {
        throw new IllegalArgumentException("retainEntries < 1: " + retainEntries);
      }
      if (segmentEntries < 1) {
        throw new IllegalArgumentException("segmentEntries < 1: " + segmentEntries);
      }
      if (checkpointEvery < 1) {
        throw new IllegalArgumentException("checkpointEvery < 1: " + checkpointEvery);
      }
    }

    public static Options defaults() {
      return new Options(1_000_000, 100_000, 50_000, true);
    }

    public Options withRetainEntries(long n) {
      return new Options(n, segmentEntries, checkpointEvery, syncfs);
    }

    public Options withSegmentEntries(long n) {
      return new Options(retainEntries, n, checkpointEvery, syncfs);
    }

    public Options withCheckpointEvery(long n) {
      return new Options(retainEntries, segmentEntries, n, syncfs);
    }
  }

  private final Path dataDir;
  private final Options options;
  private final Clock clock;
  private final Epoch epoch;
  private final DirectoryLock lock;
  private final BlobStore blobs;
  private final Journal journal;
  private final TreeIndex tree;
  private final List<LongConsumer> headListeners = new CopyOnWriteArrayList<>();
  private final ExecutorService checkpointer;
  private final AtomicBoolean checkpointQueued = new AtomicBoolean();

  private final ReentrantLock publishLock = new ReentrantLock();
  private long lastTime; // guarded by publishLock

  /** The newest seq whose batch is in the journal and the tree; written under publishLock. */
  private volatile long head;

  private volatile long checkpointSeq;
  private volatile boolean closed;

  private OriginRepository(
      Path dataDir, Options options, Clock clock, DirectoryLock lock, Recovery.State state) {
    this.dataDir = dataDir;
    this.options = options;
    this.clock = clock;
    this.lock = lock;
    this.epoch = state.epoch();
    this.blobs = state.blobs();
    this.journal = state.journal();
    this.tree = state.tree();
    this.checkpointSeq = state.checkpointSeq();
    this.lastTime = state.lastTime();
    this.head = state.journal().head();
    this.checkpointer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "metamirror-checkpoint");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Opens {@code dataDir}, creating it (with a new epoch) when it does not exist or is empty.
   *
   * @throws DataDirectoryLockedException when another process has it open
   * @throws UnsupportedFormatException when it was written by an unknown format version
   * @throws CorruptDataException when it is not a metamirror data directory or is damaged
   */
  public static OriginRepository open(Path dataDir, Options options, Clock clock)
      throws IOException {
    Files.createDirectories(dataDir);
    DirectoryLock lock =
        DirectoryLock.acquire(
            dataDir.resolve(".lock"),
            holder ->
                new DataDirectoryLockedException(
                    "data directory "
                        + dataDir
                        + " is in use by another metamirror process ("
                        + holder
                        + ")"));
    try {
      Recovery.State state = Recovery.recover(dataDir, options, clock);
      OriginRepository repo = new OriginRepository(dataDir, options, clock, lock, state);
      log.info(
          "event=origin_opened data={} epoch={} head={} first={} files={} checkpoint={}",
          dataDir,
          state.epoch(),
          state.journal().head(),
          state.journal().firstSeq(),
          state.tree().size(),
          state.checkpointSeq());
      return repo;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  public Epoch epoch() {
    return epoch;
  }

  /**
   * The newest seq that readers can see: its batch is journaled and applied to the tree (the
   * journal's own head moves at the append, a moment before the tree does).
   */
  public long head() {
    return head;
  }

  public long firstRetainedSeq() {
    return journal.firstSeq();
  }

  public int fileCount() {
    return tree.size();
  }

  public Path dataDir() {
    return dataDir;
  }

  public Optional<TreeFile> file(ContentPath path) {
    return Optional.ofNullable(tree.get(path));
  }

  /** Where a blob's bytes are; present for every sha256 in the tree or the retained journal. */
  public Path blobPath(Sha256 sha256) {
    return blobs.path(sha256);
  }

  public boolean hasBlob(Sha256 sha256) {
    return blobs.contains(sha256);
  }

  /** See {@link BlobStore#stage(InputStream, Sha256)}. */
  public StagedBlob stage(InputStream content, Sha256 expected) throws IOException {
    return blobs.stage(content, expected);
  }

  /** Stages content produced by a writer, such as a streaming JSON parser decoding base64. */
  public StagedBlob stage(ContentWriter content, Sha256 expected) throws IOException {
    return blobs.stage(content::writeTo, expected);
  }

  /** Writes content to an output stream. */
  public interface ContentWriter {
    void writeTo(java.io.OutputStream out) throws IOException;
  }

  public StagedBlob stage(byte[] content) throws IOException {
    return blobs.stage(content);
  }

  /**
   * Makes staged content durable under its final name now, ahead of the publish that names it, so
   * that a batch of a million files need not keep a temp file per file. Until that publish commits,
   * the content is unreferenced: no path names it and nothing serves it.
   */
  public void store(List<StagedBlob> staged) throws IOException {
    blobs.commit(staged);
  }

  /** Deletes staged content that will not be published. */
  public void discard(List<Change> changes) {
    discardBlobs(changes.stream().filter(c -> !c.isDelete()).map(Change::blob).toList());
  }

  public void discardBlobs(List<StagedBlob> staged) {
    blobs.discard(staged);
  }

  /** Registers a callback run with the new head after every publish that journaled something. */
  public void onHead(LongConsumer listener) {
    headListeners.add(listener);
  }

  /**
   * Publishes a batch atomically. Entries keep the caller's order except that deletes go last; a
   * put of content the path already has, and a delete of a path that does not exist, journal
   * nothing. Every staged blob in {@code changes} is consumed (committed or discarded).
   *
   * @throws IllegalArgumentException when two changes name the same path
   */
  public PublishResult publish(List<Change> changes) throws IOException {
    Set<ContentPath> seen = new HashSet<>();
    for (Change c : changes) {
      if (!seen.add(c.path())) {
        discard(changes);
        throw new IllegalArgumentException("the batch names " + c.path() + " more than once");
      }
    }
    List<Change> ordered = new ArrayList<>(changes.size());
    changes.stream().filter(c -> !c.isDelete()).forEach(ordered::add);
    changes.stream().filter(Change::isDelete).forEach(ordered::add);

    List<JournalEntry> entries;
    publishLock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("repository is closed");
      }
      List<Change> effective = new ArrayList<>();
      List<StagedBlob> unused = new ArrayList<>();
      for (Change c : ordered) {
        TreeFile current = tree.get(c.path());
        if (c.isDelete()
            ? current == null
            : current != null && current.sha256().equals(c.blob().sha256)) {
          if (!c.isDelete()) {
            unused.add(c.blob());
          }
        } else {
          effective.add(c);
        }
      }
      blobs.discard(unused);
      if (effective.isEmpty()) {
        return new PublishResult(journal.head(), List.of());
      }
      List<StagedBlob> fresh =
          effective.stream().filter(c -> !c.isDelete()).map(Change::blob).toList();
      try {
        blobs.commit(fresh);
      } catch (IOException | RuntimeException e) {
        blobs.discard(fresh);
        throw e;
      }
      // Strictly later than every earlier batch, so a time can serve as a cursor (changes.json).
      long time = Math.max(clock.millis(), lastTime + 1);
      long seq = journal.head();
      long newest = time;
      entries = new ArrayList<>(effective.size());
      for (Change c : effective) {
        seq++;
        if (c.isDelete()) {
          entries.add(JournalEntry.delete(seq, c.path(), time));
          continue;
        }
        long putTime = distinctSecond(tree.get(c.path()), time);
        newest = Math.max(newest, putTime);
        entries.add(JournalEntry.put(seq, c.path(), c.blob().sha256, c.blob().size, putTime));
      }
      journal.append(entries);
      for (JournalEntry e : entries) {
        Recovery.apply(tree, e);
      }
      head = entries.get(entries.size() - 1).seq();
      lastTime = newest;
    } finally {
      publishLock.unlock();
    }
    long last = entries.get(entries.size() - 1).seq();
    log.info(
        "event=published first={} last={} entries={}", entries.get(0).seq(), last, entries.size());
    for (LongConsumer listener : headListeners) {
      try {
        listener.accept(last);
      } catch (RuntimeException e) {
        // The batch is committed: a listener's failure must not turn its publish into an error.
        log.warn("event=head_listener_failed head={} error=\"{}\"", last, e.toString());
      }
    }
    if (last - checkpointSeq >= options.checkpointEvery
        && checkpointQueued.compareAndSet(false, true)) {
      checkpointer.execute(
          () -> {
            try {
              checkpoint();
            } catch (IOException | RuntimeException e) {
              log.warn("event=checkpoint_failed error=\"{}\"", e.getMessage());
            } finally {
              // Cleared only now, so publishes during a checkpoint do not queue another one.
              checkpointQueued.set(false);
            }
          });
    }
    return new PublishResult(last, List.copyOf(entries));
  }

  /**
   * The time of a put over {@code previous}: {@code time}, or the start of the next second when the
   * previous version's Last-Modified (whole seconds) would otherwise be the same. Composer
   * revalidates with If-Modified-Since only, so two versions in one second would 304 the newer.
   */
  static long distinctSecond(TreeFile previous, long time) {
    if (previous == null || time / 1000 > previous.time() / 1000) {
      return time;
    }
    return (previous.time() / 1000 + 1) * 1000;
  }

  /** The JSON of up to {@code limit} entries after {@code since}; see {@link Journal#read}. */
  public List<byte[]> readFeed(long since, long upTo, int limit) throws IOException {
    if (since > upTo) {
      throw new ResyncRequiredException(since, journal.firstSeq());
    }
    return journal.read(since, limit, upTo);
  }

  /**
   * A consistent copy of the whole tree at one seq, sorted by path. Costs one pass over the tree
   * under the lock and about 70 bytes a file while it lives.
   */
  public TreeSnapshot snapshot() {
    TreeSnapshot copy;
    publishLock.lock();
    try {
      copy = tree.snapshot(epoch, journal.head());
    } finally {
      publishLock.unlock();
    }
    return copy.sortByPath(); // outside the lock: a million paths take a second
  }

  /**
   * Writes a tree checkpoint at the current head, then drops journal segments that the checkpoint
   * covers and that lie outside the retention window.
   */
  public void checkpoint() throws IOException {
    TreeSnapshot tree = snapshot();
    if (tree.seq() == checkpointSeq) {
      return;
    }
    Checkpoint.write(dataDir, tree);
    checkpointSeq = tree.seq();
    long keepFrom = Math.min(checkpointSeq + 1, tree.seq() - options.retainEntries + 1);
    publishLock.lock();
    try {
      if (!closed) {
        journal.dropSegmentsBefore(keepFrom);
      }
    } finally {
      publishLock.unlock();
    }
    log.info("event=checkpoint_written seq={} files={}", tree.seq(), tree.size());
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    checkpointer.shutdown();
    try {
      checkpointer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      checkpoint();
    } finally {
      publishLock.lock();
      try {
        closed = true;
        journal.close();
      } finally {
        publishLock.unlock();
        lock.close();
      }
    }
  }
}
