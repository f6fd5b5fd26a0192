package io.metamirror.sync.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.metamirror.protocol.AtomicFile;
import io.metamirror.protocol.FeedPage;
import io.metamirror.protocol.JournalEntry;
import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.store.Cursor;
import io.metamirror.sync.store.Store;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent shows of itself ({@link SyncAgent#status()}): its state, the origin's head as last
 * seen, since when the store has been behind it, the last error, and the progress of the piece of
 * work under way (files of a bootstrap, entries of a catch-up). Each change of state and each
 * failure is also written to {@code .metamirror/status.json} for {@code metamirror sync status} in
 * another process.
 *
 * <p>Written by the thread that runs the {@link FollowLoop} (the agent's, or the caller's in {@link
 * SyncAgent#catchUp()}), and by {@link SyncAgent#close()} for the final state; read from any
 * thread. Each field is volatile and read on its own, so a status is not one atomic snapshot: a
 * reader may see a page's new cursor with the head of before.
 */
final class StatusRecorder {
  /** The agent's events: logged under its name, as before they moved here. */
  private static final Logger log = LoggerFactory.getLogger(SyncAgent.class);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Store store;
  private final URI origin;
  private final Clock clock;

  private volatile SyncState state = SyncState.STARTING;
  private volatile long knownHead;
  private volatile long behindSince;
  private volatile String lastError;
  private volatile long lastErrorTime;
  private volatile long progressDone;
  private volatile long progressTotal;

  StatusRecorder(Store store, URI origin, Clock clock) {
    this.store = store;
    this.origin = origin;
    this.clock = clock;
    this.knownHead = store.cursor().seq();
  }

  SyncStatus status() {
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

  SyncState state() {
    return state;
  }

  long knownHead() {
    return knownHead;
  }

  String lastError() {
    return lastError;
  }

  /** Logs a change of state, and writes the status either way. */
  void setState(SyncState next) {
    if (next != state) {
      log.info("event=sync_state state={} seq={}", next, store.cursor().seq());
    }
    state = next;
    writeStatus();
  }

  /** Records a failure; whoever then sets the state shows why. */
  void failed(String error) {
    lastError = error;
    lastErrorTime = clock.millis();
  }

  /** After a round without failure: the last error is forgotten once the store is at the head. */
  void clearErrorOnceCaughtUp() {
    if (lastError != null && store.cursor().seq() >= knownHead) {
      lastError = null;
    }
  }

  void sawHead(long head) {
    knownHead = head;
  }

  /** A page with no entries: the store is at the head. */
  void upToDate() {
    behindSince = 0;
  }

  /**
   * A page with entries, before it is applied: the lag counts from its first entry, and a new
   * catch-up starts when none is under way or the last one ended.
   */
  void pageArrived(FeedPage page, Cursor cursor) {
    if (behindSince == 0) {
      behindSince = page.entries().get(0).time();
    }
    if (progressTotal == 0 || store.cursor().seq() >= knownHead) {
      progressDone = 0;
      progressTotal = knownHead - cursor.seq();
    }
  }

  /** Entries committed before a bad entry of their page. */
  void entriesCommitted(int count) {
    progressDone += count;
  }

  /** A page committed: the catch-up ends at the head; until then the lag counts from its end. */
  void pageCommitted(List<JournalEntry> applied) {
    entriesCommitted(applied.size());
    if (store.cursor().seq() >= knownHead) {
      behindSince = 0;
      progressTotal = 0;
      progressDone = 0;
    } else {
      behindSince = Math.max(behindSince, applied.get(applied.size() - 1).time());
    }
  }

  void bootstrapStarted() {
    setState(SyncState.BOOTSTRAPPING);
    catchUpStarted();
  }

  /** A catch-up from the snapshot, by a store that keeps serving its tree meanwhile. */
  void catchUpStarted() {
    progressDone = 0;
    progressTotal = 0;
  }

  /** For the bootstrap's progress: the files of the snapshot, once its manifest is read. */
  void filesToUnpack(long files) {
    progressTotal = files;
  }

  void filesUnpacked(long files) {
    progressDone = files;
  }

  void bootstrapped(Cursor cursor) {
    knownHead = Math.max(knownHead, cursor.seq());
    progressDone = 0;
    progressTotal = 0;
    behindSince = 0;
    setState(SyncState.FOLLOWING);
  }

  /**
   * For {@code metamirror sync status} in another process; atomic, not durable: it is rewritten
   * after every page, and a status lost in a crash is stale anyway.
   */
  void writeStatus() {
    try {
      SyncStatus s = status();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("state", s.state());
      body.put("origin", origin.toString());
      body.put("epoch", s.epoch());
      body.put("appliedSeq", s.appliedSeq());
      body.put("knownHead", s.knownHead());
      body.put("lagEntries", s.lagEntries());
      body.put("lagSeconds", s.lagSeconds());
      body.put("lastError", s.lastError());
      body.put("lastErrorTime", s.lastErrorTime());
      body.put("updated", clock.millis());
      body.put("pid", ProcessHandle.current().pid());
      AtomicFile.at(store.stateDir().resolve("status.json"))
          .withoutFsync()
          .write(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      log.debug("cannot write status.json: {}", e.toString());
    }
  }
}
