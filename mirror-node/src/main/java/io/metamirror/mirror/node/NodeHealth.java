package io.metamirror.mirror.node;

import io.metamirror.mirror.node.MirrorNodeConfig.LagThresholds;
import io.metamirror.mirror.tls.ReloadingKeyManager;
import io.metamirror.protocol.health.HealthDocument;
import io.metamirror.protocol.health.HealthDocument.Status;
import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.agent.SyncStatus;
import java.security.cert.X509Certificate;

/**
 * A node's health document. Health is freshness (DESIGN §5): not OK while draining, bootstrapping,
 * stalled on a bad entry, refusing a shrink (syncState {@code refused_shrink}), or when an entry
 * has waited longer than the lag thresholds allow while the node is more entries behind than they
 * allow. An unreachable origin alone keeps a caught-up node OK: every node is equally stale then,
 * and serving stale beats serving nothing.
 *
 * <p>The decision, {@link #status}, is a function of what it is given; time enters only through
 * {@link SyncStatus#lagSeconds()}, which the agent measures with the node's clock.
 */
final class NodeHealth {
  private final String region;
  private final String nodeId;
  private final LagThresholds lag;
  private final ReloadingKeyManager tlsKeys;

  NodeHealth(MirrorNodeConfig config) {
    this.region = config.region();
    this.nodeId = config.nodeId();
    this.lag = config.lag();
    this.tlsKeys = config.listener().tlsKeys();
  }

  HealthDocument document(SyncStatus sync, boolean draining) {
    return new HealthDocument(
        status(sync, draining, lag),
        region,
        nodeId,
        sync.epoch(),
        sync.appliedSeq(),
        sync.knownHead(),
        sync.lagEntries(),
        sync.lagSeconds(),
        sync.state(),
        sync.lastError(),
        draining,
        MirrorNode.version(),
        tls(tlsKeys));
  }

  /** {@link Status#OK}, or the reason the node should not get traffic. */
  static Status status(SyncStatus sync, boolean draining, LagThresholds lag) {
    if (draining) {
      return Status.DRAINING;
    }
    if (sync.epoch() == null || sync.state() == SyncState.BOOTSTRAPPING) {
      // STARTING with a tree is a restart on an existing store: it serves that tree, and lasts
      // as long as the agent's first long poll when the store is caught up. If the store is
      // behind, the first feed answer comes at once and the lag rule below takes over.
      return Status.BOOTSTRAPPING;
    }
    if (sync.state() == SyncState.STALLED || sync.state() == SyncState.REFUSED_SHRINK) {
      // A refused shrink stops progress like a bad entry; syncState and lastError tell them apart.
      return Status.STALLED;
    }
    if (sync.lagEntries() > lag.entries() && sync.lagSeconds() > lag.seconds()) {
      return Status.BEHIND;
    }
    return Status.OK;
  }

  /**
   * The certificate in service and the last reload failure; null on plain HTTP. A failed reload
   * does not fail health: the previous certificate still serves, and the failure shows here and in
   * the log until a reload succeeds.
   */
  static HealthDocument.Tls tls(ReloadingKeyManager keys) {
    if (keys == null) {
      return null;
    }
    X509Certificate leaf = keys.current().leaf();
    ReloadingKeyManager.Failure failure = keys.lastFailure().orElse(null);
    return new HealthDocument.Tls(
        leaf.getSubjectX500Principal().getName(),
        leaf.getNotAfter().toInstant(),
        keys.loadedAt(),
        failure == null ? null : failure.message(),
        failure == null ? null : failure.at());
  }
}
