package io.metamirror.bench.chaos;

import io.metamirror.protocol.Sha256;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every put the run sent to the origin, each known only by when its request was sent and when its
 * 200 came back ({@link #NEVER} while it has not, or when it failed: a failed put may still have
 * been committed). From that alone it judges an answer a node gave to a GET sent at {@code start}
 * and received at {@code end} (readings of {@link System#nanoTime} in this JVM):
 *
 * <ul>
 *   <li>a 404 is wrong when a put of the path was acknowledged before {@code start}: the origin had
 *       the path for the whole request (the run never deletes);
 *   <li>a body is right when it is a version that may have been the origin's current one at some
 *       instant in {@code [start, end]}: sent no later than {@code end}, and not surely replaced
 *       before {@code start} (by a put sent after it was acknowledged, itself acknowledged before
 *       {@code start}). Any other body is wrong: damaged, invented, or older than the origin could
 *       still have had.
 * </ul>
 *
 * Thread-safe: each path's list is guarded by itself.
 */
public final class PublishTimeline {
  static final long NEVER = Long.MAX_VALUE;

  /** What a GET's answer was judged to be. */
  enum Verdict {
    RIGHT,
    WRONG_404,
    WRONG_BODY
  }

  /** One put; {@code acknowledged} moves from {@link #NEVER} once, when its 200 arrived. */
  public static final class Put {
    private final Sha256 sha256;
    private final long sent;
    private volatile long acknowledged = NEVER;

    private Put(Sha256 sha256, long sent) {
      this.sha256 = sha256;
      this.sent = sent;
    }
  }

  private final ConcurrentHashMap<String, List<Put>> puts = new ConcurrentHashMap<>();

  /** Records a put of {@code content} at {@code path} about to be sent at {@code now}. */
  Put sending(String path, Sha256 content, long now) {
    Put put = new Put(content, now);
    List<Put> versions = puts.computeIfAbsent(path, p -> new ArrayList<>());
    synchronized (versions) {
      versions.add(put);
    }
    return put;
  }

  /** The origin answered {@code put} with a 200 at {@code now}. */
  void acknowledged(Put put, long now) {
    put.acknowledged = now;
  }

  /** Whether a put of {@code path} was acknowledged before {@code now}. */
  boolean acknowledgedBefore(String path, long now) {
    return versions(path).stream().anyMatch(p -> p.acknowledged < now);
  }

  /** A 404 for {@code path}, asked at {@code start}. */
  Verdict judgeNotFound(String path, long start) {
    return acknowledgedBefore(path, start) ? Verdict.WRONG_404 : Verdict.RIGHT;
  }

  /**
   * A 200 whose body hashed to {@code body}, asked at {@code start} and answered at {@code end}.
   */
  Verdict judgeBody(String path, Sha256 body, long start, long end) {
    List<Put> versions = versions(path);
    for (Put candidate : versions) {
      if (candidate.sha256.equals(body)
          && candidate.sent <= end
          && !replacedBefore(candidate, versions, start)) {
        return Verdict.RIGHT;
      }
    }
    return Verdict.WRONG_BODY;
  }

  /** The shas of the versions of {@code path}, for a finding's report. */
  List<String> shas(String path) {
    return versions(path).stream().map(p -> p.sha256.hex()).distinct().toList();
  }

  private static boolean replacedBefore(Put version, List<Put> versions, long start) {
    for (Put later : versions) {
      if (later.sent > version.acknowledged && later.acknowledged < start) {
        return true;
      }
    }
    return false;
  }

  private List<Put> versions(String path) {
    List<Put> versions = puts.get(path);
    if (versions == null) {
      return List.of();
    }
    synchronized (versions) {
      return List.copyOf(versions);
    }
  }
}
