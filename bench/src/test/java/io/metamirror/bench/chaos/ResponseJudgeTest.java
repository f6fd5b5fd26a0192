package io.metamirror.bench.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.bench.chaos.ResponseJudge.Observation;
import io.metamirror.bench.chaos.ResponseJudge.Outcome;
import io.metamirror.protocol.Sha256;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which answers of a node make the chaos run fail, given the publishes and declared outages. */
class ResponseJudgeTest {
  private static final String PATH = "p2/acme/widget.json";
  private static final byte[] CONTENT = "{\"packages\":{}}".getBytes(StandardCharsets.UTF_8);

  private final PublishTimeline timeline = new PublishTimeline();
  private final DeclaredWindows down = new DeclaredWindows();
  private final ResponseJudge judge = new ResponseJudge(timeline, down);

  private static Observation answer(long start, long end, int status, Sha256 body) {
    return new Observation("node-1", PATH, false, start, end, status, body, "origin", null);
  }

  private Outcome judge(long start, long end, int status) {
    return judge.judge(answer(start, end, status, null));
  }

  @Test
  void theOriginsBytesAreRightAndAWrong404IsCaught() {
    timeline.acknowledged(timeline.sending(PATH, Sha256.of(CONTENT), 10), 20);
    assertEquals(Outcome.RIGHT, judge.judge(answer(30, 40, 200, Sha256.of(CONTENT))));
    assertEquals(Outcome.WRONG_404, judge(30, 40, 404));
  }

  @Test
  void aGzipBodyThatDoesNotInflateIsAWrongBody() {
    timeline.acknowledged(timeline.sending(PATH, Sha256.of(CONTENT), 10), 20);
    assertEquals(Outcome.WRONG_BODY, judge(30, 40, 200));
  }

  @Test
  void a502Or503IsAllowedOnlyWhenTheRequestOverlapsADeclaredOriginOutage() {
    down.open(DeclaredWindows.ORIGIN, 100);
    down.close(DeclaredWindows.ORIGIN, 200);
    assertEquals(Outcome.ALLOWED_5XX, judge(150, 160, 502));
    assertEquals(Outcome.ALLOWED_5XX, judge(90, 100, 503));
    assertEquals(Outcome.ALLOWED_5XX, judge(200, 210, 502));
    assertEquals(Outcome.OTHER_5XX, judge(201, 210, 502));
    assertEquals(Outcome.OTHER_5XX, judge(50, 99, 503));
  }

  @Test
  void other5xxAreNeverAllowed() {
    down.open(DeclaredWindows.ORIGIN, 100);
    assertEquals(Outcome.OTHER_5XX, judge(150, 160, 500));
    assertEquals(Outcome.OTHER_5XX, judge(150, 160, 504));
  }

  @Test
  void noAnswerIsAFailureUnlessTheNodeWasDeclaredDown() {
    down.open("node-1", 100);
    down.close("node-1", 200);
    assertEquals(Outcome.NODE_DOWN, judge(95, 105, -1));
    assertEquals(Outcome.FAILED, judge(205, 210, -1));
  }

  @Test
  void aStatusNoContentGetShouldGetIsAFailure() {
    assertEquals(Outcome.FAILED, judge(10, 20, 400));
  }

  @Test
  void aFailedPublishIsExcusedOnlyDuringAnOriginOutage() {
    down.open(DeclaredWindows.ORIGIN, 100);
    down.close(DeclaredWindows.ORIGIN, 200);
    assertTrue(judge.publishFailureExcused(150, 250));
    assertFalse(judge.publishFailureExcused(250, 260));
  }

  @Test
  void aPartIsDeclaredDownOnceAtATime() {
    down.open("node-2", 1);
    assertThrows(IllegalStateException.class, () -> down.open("node-2", 2));
    assertThrows(IllegalStateException.class, () -> down.close("node-3", 2));
    assertTrue(down.overlaps("node-2", 1_000_000, 1_000_001)); // still open
  }
}
