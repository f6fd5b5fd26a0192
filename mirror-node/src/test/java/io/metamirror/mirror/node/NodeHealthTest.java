package io.metamirror.mirror.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metamirror.mirror.node.MirrorNodeConfig.LagThresholds;
import io.metamirror.protocol.health.HealthDocument;
import io.metamirror.protocol.health.HealthDocument.Status;
import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.agent.SyncStatus;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The freshness rule (DESIGN §5), decided from agent states alone: no node, no clock. */
class NodeHealthTest {
  private static final String EPOCH = "27bcf4fcc75f6d60129fa889d8ae6b4c";

  /** More than 10 entries behind for more than 30 seconds. */
  private static final LagThresholds LAG = new LagThresholds(10, 30);

  @Test
  void caughtUpFollowingNodeIsOk() {
    assertEquals(Status.OK, status(following(100, 100, 0)));
  }

  @Test
  void behindOnlyWhenBothMoreEntriesAndLongerThanTheThresholdsAllow() {
    assertEquals(Status.BEHIND, status(following(100, 111, 30.001)));

    assertEquals(Status.OK, status(following(100, 110, 3600)), "exactly 10 entries behind");
    assertEquals(Status.OK, status(following(100, 111, 30)), "waiting exactly 30 s");
    assertEquals(Status.OK, status(following(100, 10_000, 29.9)), "far behind, but fresh");
  }

  @Test
  void byDefaultOneEntryWaitingOverAMinuteIsBehind() {
    LagThresholds defaults = MirrorNodeConfig.defaults(URI.create("http://o"), Path.of("s")).lag();

    assertEquals(Status.BEHIND, NodeHealth.status(following(100, 101, 60.5), false, defaults));
    assertEquals(Status.OK, NodeHealth.status(following(100, 101, 60), false, defaults));
  }

  @Test
  void anUnreachableOriginAloneKeepsACaughtUpNodeOk() {
    SyncStatus retrying =
        new SyncStatus(SyncState.FOLLOWING, EPOCH, 100, 100, 0, "connection refused", 1_000, 0, 0);

    assertEquals(Status.OK, status(retrying));
  }

  @Test
  void aNodeWithoutATreeOrInstallingOneIsBootstrapping() {
    assertEquals(Status.BOOTSTRAPPING, status(sync(SyncState.STARTING, null, 0, 0, 0)));
    assertEquals(Status.BOOTSTRAPPING, status(sync(SyncState.FOLLOWING, null, 0, 0, 0)));
    assertEquals(Status.BOOTSTRAPPING, status(sync(SyncState.BOOTSTRAPPING, EPOCH, 5, 900, 0)));
  }

  @Test
  void aRestartOnAStoreWithATreeServesItBeforeTheFirstFeedAnswer() {
    assertEquals(Status.OK, status(sync(SyncState.STARTING, EPOCH, 100, 100, 0)));
  }

  @Test
  void stalledWinsOverBehind() {
    assertEquals(Status.STALLED, status(sync(SyncState.STALLED, EPOCH, 100, 500, 3600)));
  }

  @Test
  void aRefusedShrinkIsStalledEvenWhenCaughtUp() {
    assertEquals(Status.STALLED, status(sync(SyncState.REFUSED_SHRINK, EPOCH, 100, 100, 0)));
  }

  @Test
  void drainingWinsOverEverything() {
    for (SyncStatus s :
        new SyncStatus[] {
          following(100, 100, 0),
          following(100, 500, 3600),
          sync(SyncState.STALLED, EPOCH, 1, 2, 0),
          sync(SyncState.BOOTSTRAPPING, null, 0, 0, 0)
        }) {
      assertEquals(Status.DRAINING, NodeHealth.status(s, true, LAG), s.toString());
    }
  }

  @Test
  void theDocumentSaysWhatTheAgentReportsAndWhoAsks() {
    MirrorNodeConfig config =
        MirrorNodeConfig.defaults(URI.create("http://o"), Path.of("s")).withIdentity("eu", "eu1");
    SyncStatus s = new SyncStatus(SyncState.FOLLOWING, EPOCH, 7, 9, 1.5, "timed out", 1_000, 0, 0);

    HealthDocument document = new NodeHealth(config).document(s, false);

    assertEquals(
        new HealthDocument(
            Status.OK,
            "eu",
            "eu1",
            EPOCH,
            7,
            9,
            2,
            1.5,
            SyncState.FOLLOWING,
            "timed out",
            false,
            MirrorNode.version(),
            null),
        document);
  }

  private static Status status(SyncStatus s) {
    return NodeHealth.status(s, false, LAG);
  }

  private static SyncStatus following(long applied, long head, double lagSeconds) {
    return sync(SyncState.FOLLOWING, EPOCH, applied, head, lagSeconds);
  }

  private static SyncStatus sync(
      SyncState state, String epoch, long applied, long head, double lagSeconds) {
    return new SyncStatus(state, epoch, applied, head, lagSeconds, null, 0, 0, 0);
  }
}
