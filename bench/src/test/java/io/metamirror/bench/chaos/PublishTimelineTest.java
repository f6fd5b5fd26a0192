package io.metamirror.bench.chaos;

import static io.metamirror.bench.chaos.PublishTimeline.Verdict.RIGHT;
import static io.metamirror.bench.chaos.PublishTimeline.Verdict.WRONG_404;
import static io.metamirror.bench.chaos.PublishTimeline.Verdict.WRONG_BODY;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metamirror.protocol.Sha256;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What counts as a wrong 404 or a wrong body, given when each put was sent and acknowledged. */
class PublishTimelineTest {
  private static final String PATH = "p2/acme/widget.json";
  private static final Sha256 V1 = sha("version 1");
  private static final Sha256 V2 = sha("version 2");

  private final PublishTimeline timeline = new PublishTimeline();

  private void put(Sha256 content, long sent, long acknowledged) {
    PublishTimeline.Put put = timeline.sending(PATH, content, sent);
    if (acknowledged != PublishTimeline.NEVER) {
      timeline.acknowledged(put, acknowledged);
    }
  }

  @Test
  void notFoundAfterThePublishWasAcknowledgedIsAWrong404() {
    put(V1, 10, 20);
    assertEquals(WRONG_404, timeline.judgeNotFound(PATH, 21));
  }

  @Test
  void notFoundSentBeforeTheAcknowledgementIsRight() {
    put(V1, 10, 20);
    assertEquals(RIGHT, timeline.judgeNotFound(PATH, 20));
    assertEquals(RIGHT, timeline.judgeNotFound(PATH, 5));
  }

  @Test
  void notFoundForAPublishThatNeverGotItsAnswerIsRight() {
    put(V1, 10, PublishTimeline.NEVER); // the origin died: it may or may not have committed
    assertEquals(RIGHT, timeline.judgeNotFound(PATH, 1_000));
  }

  @Test
  void notFoundForAPathNeverPublishedIsRight() {
    assertEquals(RIGHT, timeline.judgeNotFound("p2/never/published.json", 1_000));
  }

  @Test
  void thePublishedBytesAreRightFromTheMomentThePutWasSent() {
    put(V1, 10, 20);
    assertEquals(RIGHT, timeline.judgeBody(PATH, V1, 12, 15));
    assertEquals(RIGHT, timeline.judgeBody(PATH, V1, 100, 110));
  }

  @Test
  void otherBytesAreAWrongBody() {
    put(V1, 10, 20);
    assertEquals(WRONG_BODY, timeline.judgeBody(PATH, sha("version 1 damaged"), 100, 110));
  }

  @Test
  void aBodyAnsweredBeforeAnyPutWasSentIsWrong() {
    put(V1, 10, 20);
    assertEquals(WRONG_BODY, timeline.judgeBody(PATH, V1, 1, 9));
    assertEquals(WRONG_BODY, timeline.judgeBody("p2/never/published.json", V1, 100, 110));
  }

  @Test
  void anUnacknowledgedPublishMayStillBeServed() {
    put(V1, 10, PublishTimeline.NEVER);
    assertEquals(RIGHT, timeline.judgeBody(PATH, V1, 100, 110));
  }

  @Test
  void anOlderVersionIsWrongOnceItsReplacementWasAcknowledgedBeforeTheRequest() {
    put(V1, 10, 20);
    put(V2, 30, 40);
    assertEquals(WRONG_BODY, timeline.judgeBody(PATH, V1, 41, 50));
    assertEquals(RIGHT, timeline.judgeBody(PATH, V2, 41, 50));
  }

  @Test
  void anOlderVersionIsRightWhileItsReplacementIsInFlight() {
    put(V1, 10, 20);
    put(V2, 30, 40);
    assertEquals(RIGHT, timeline.judgeBody(PATH, V1, 35, 50)); // V2 not yet acknowledged at 35
    assertEquals(RIGHT, timeline.judgeBody(PATH, V2, 35, 50));
  }

  @Test
  void overlappingPutsLeaveEitherVersionRight() {
    // V2 was sent before V1's answer came back: the origin may have committed them in either order
    put(V1, 10, 40);
    put(V2, 20, 30);
    assertEquals(RIGHT, timeline.judgeBody(PATH, V1, 100, 110));
    assertEquals(RIGHT, timeline.judgeBody(PATH, V2, 100, 110));
  }

  private static Sha256 sha(String content) {
    return Sha256.of(content.getBytes(StandardCharsets.UTF_8));
  }
}
