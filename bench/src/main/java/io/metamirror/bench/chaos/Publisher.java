package io.metamirror.bench.chaos;

import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.OriginApi;
import io.metamirror.protocol.Sha256;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes the run's files on the origin, straight to it (never through a proxy), one {@code PUT}
 * each, recording every put in the {@link PublishTimeline} before it is sent and when its 200
 * arrives. Every path is new (file {@code i} of a {@link ComposerLikeFiles} tree): the run never
 * updates nor deletes, so a node that is behind has no older version to serve, only a miss to send
 * to the origin. Thread-safe.
 */
public final class Publisher {
  /** Told of every put that got no 200 (the origin was down, or answered an error). */
  public interface FailureListener {
    void failed(String path, long sent, long end, String problem);
  }

  private final OriginApi origin;
  private final FailureListener failures;
  private final PublishTimeline timeline;
  private final ComposerLikeFiles files;
  private final AtomicInteger next = new AtomicInteger();

  /** Paths whose put was acknowledged, in order; guarded by itself. */
  private final List<String> acknowledged = new ArrayList<>();

  public Publisher(
      OriginApi origin,
      PublishTimeline timeline,
      ComposerLikeFiles files,
      FailureListener failures) {
    this.origin = origin;
    this.failures = failures;
    this.timeline = timeline;
    this.files = files;
  }

  /** A path no put has been sent for yet, with its content: {@link #publish} sends it. */
  int reserve() {
    return next.getAndIncrement();
  }

  static String path(int file) {
    return ComposerLikeFiles.path(file);
  }

  byte[] content(int file) {
    return files.content(file);
  }

  /** Publishes a new file; false when the origin did not acknowledge it (it is down). */
  public boolean publishNew() throws InterruptedException {
    return publish(reserve());
  }

  /** PUTs file {@code file}; false, told to the listener, when no 200 came back. */
  boolean publish(int file) throws InterruptedException {
    String path = path(file);
    byte[] content = content(file);
    long sent = System.nanoTime();
    PublishTimeline.Put put = timeline.sending(path, Sha256.of(content), sent);
    try {
      origin.send(origin.putRequest(path, content));
    } catch (IOException e) {
      failures.failed(path, sent, System.nanoTime(), e.toString());
      return false;
    }
    timeline.acknowledged(put, System.nanoTime());
    synchronized (acknowledged) {
      acknowledged.add(path);
    }
    return true;
  }

  /**
   * An acknowledged path: half the time one of the {@code recent} newest (those a node is most
   * likely not to have applied yet), else any. Null before the first.
   */
  public String pick(SplittableRandom random, int recent) {
    synchronized (acknowledged) {
      int n = acknowledged.size();
      if (n == 0) {
        return null;
      }
      int from = random.nextBoolean() ? Math.max(0, n - recent) : 0;
      return acknowledged.get(from + random.nextInt(n - from));
    }
  }
}
