package io.metamirror.bench.chaos;

import io.metamirror.protocol.Sha256;

/**
 * Judges what one client GET through a node saw, against the publishes the run made ({@link
 * PublishTimeline}) and the outages it declared ({@link DeclaredWindows}). Pure: the same
 * observation, timeline and windows always give the same outcome.
 */
public final class ResponseJudge {
  /** The outcome of one GET; the table has a column for each but {@link #RIGHT}. */
  public enum Outcome {
    RIGHT,
    WRONG_404,
    WRONG_BODY,
    /** A 502 or 503 while the origin was declared down: the node cannot know, and says so. */
    ALLOWED_5XX,
    OTHER_5XX,
    /** No answer from a node declared up, or a status no GET of a content path should get. */
    FAILED,
    /** No answer from a node the run had killed: a client's DNS would have moved away. */
    NODE_DOWN
  }

  /**
   * What one GET saw. {@code status} is -1 when there was no answer (refused, reset, timed out;
   * {@code failure} says which); {@code body} is the sha256 of the decoded body of a 200, else
   * null; {@code source} the node's {@code X-Metamirror-Source}.
   */
  public record Observation(
      String node,
      String path,
      boolean gzip,
      long start,
      long end,
      int status,
      Sha256 body,
      String source,
      String failure) {}

  private final PublishTimeline timeline;
  private final DeclaredWindows down;

  public ResponseJudge(PublishTimeline timeline, DeclaredWindows down) {
    this.timeline = timeline;
    this.down = down;
  }

  /**
   * Whether a publish sent at {@code start} that got no 200 by {@code end} is excused: the origin
   * was declared down meanwhile. Any other failed publish is a wrong answer of the origin's.
   */
  boolean publishFailureExcused(long start, long end) {
    return down.overlaps(DeclaredWindows.ORIGIN, start, end);
  }

  public Outcome judge(Observation o) {
    switch (o.status()) {
      case -1:
        return down.overlaps(o.node(), o.start(), o.end()) ? Outcome.NODE_DOWN : Outcome.FAILED;
      case 200:
        return o.body() != null
                && timeline.judgeBody(o.path(), o.body(), o.start(), o.end())
                    == PublishTimeline.Verdict.RIGHT
            ? Outcome.RIGHT
            : Outcome.WRONG_BODY;
      case 404:
        return timeline.judgeNotFound(o.path(), o.start()) == PublishTimeline.Verdict.RIGHT
            ? Outcome.RIGHT
            : Outcome.WRONG_404;
      case 502:
      case 503:
        return down.overlaps(DeclaredWindows.ORIGIN, o.start(), o.end())
            ? Outcome.ALLOWED_5XX
            : Outcome.OTHER_5XX;
      default:
        return o.status() >= 500 ? Outcome.OTHER_5XX : Outcome.FAILED;
    }
  }
}
