package io.metamirror.fleet.region;

import io.metamirror.dns.probe.HealthProbe;
import io.metamirror.protocol.health.HealthDocument;
import io.metamirror.protocol.health.SyncState;

/**
 * Healthy and synced, from one reading of a node's typed health document: status 200 and {@code
 * ok}, following the origin's feed with an epoch, and at most {@code maxLagEntries} behind the
 * origin's head as the node last saw it.
 */
public record NodeReadiness(boolean ready, String detail) {
  public static NodeReadiness of(HealthProbe.Reading r, long maxLagEntries) {
    HealthDocument d = r.document();
    if (d == null) {
      return new NodeReadiness(
          false, "HTTP " + r.statusCode() + ", not a metamirror health document");
    }
    String seen =
        d.status()
            + " "
            + d.syncState()
            + " seq "
            + d.appliedSeq()
            + "/"
            + d.knownHead()
            + " lag "
            + d.lagEntries();
    boolean ready =
        r.statusCode() == 200
            && d.status() == HealthDocument.Status.OK
            && d.syncState() == SyncState.FOLLOWING
            && d.epoch() != null
            && d.lagEntries() <= maxLagEntries;
    return new NodeReadiness(ready, seen);
  }
}
