package io.metamirror.sync.agent;

import java.io.IOException;

/**
 * The origin is not there: it did not answer at all (no connection, no response in time), or what
 * answered in its place said it is unavailable (502, 503, 504, as a proxy in front of a stopped
 * origin does). {@link RetryWait} watches for its return while the agent backs off.
 */
final class OriginUnavailableException extends IOException {
  private final boolean answered;

  private OriginUnavailableException(String message, Throwable cause, boolean answered) {
    super(message, cause);
    this.answered = answered;
  }

  static OriginUnavailableException noAnswer(String message, Throwable cause) {
    return new OriginUnavailableException(message, cause, false);
  }

  static OriginUnavailableException answered(String message) {
    return new OriginUnavailableException(message, null, true);
  }

  /** Whether something answered with a status, rather than nothing at all. */
  boolean answered() {
    return answered;
  }

  static boolean isUnavailableStatus(int status) {
    return status == 502 || status == 503 || status == 504;
  }
}
