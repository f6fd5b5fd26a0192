package io.metamirror.origin.repository;

import java.io.IOException;

/**
 * The entries after {@code since} are no longer retained (or never existed here): the reader must
 * bootstrap from a snapshot.
 */
public final class ResyncRequiredException extends IOException {
  private final long firstRetained;

  public ResyncRequiredException(long since, long firstRetained) {
    super("entries after seq " + since + " are not retained; the oldest is " + firstRetained);
    this.firstRetained = firstRetained;
  }

  public long firstRetained() {
    return firstRetained;
  }
}
