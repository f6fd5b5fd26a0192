package io.metamirror.protocol.http;

import java.net.BindException;

/**
 * A server could not open its listening socket. The message names the address and says why in words
 * an operator acts on ("cannot listen on 0.0.0.0:443: permission denied ..."), instead of the
 * {@code java.net.BindException} a web server library wraps.
 */
public final class ListenException extends RuntimeException {
  private ListenException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * {@code e} explained when a {@link BindException} caused it; otherwise {@code e} itself, to be
   * rethrown as it is.
   */
  public static RuntimeException explain(RuntimeException e, String host, int port) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException bind) {
        return new ListenException(
            "cannot listen on " + host + ":" + port + ": " + reason(bind.getMessage()), e);
      }
    }
    return e;
  }

  private static String reason(String message) {
    String m = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
    if (m.contains("in use")) {
      return "address already in use (another process listens there; stop it or pick another"
          + " port)";
    }
    if (m.contains("permission denied")) {
      return "permission denied (ports below 1024 need root or the CAP_NET_BIND_SERVICE"
          + " capability)";
    }
    if (m.contains("assign requested address")) {
      return "no such address on this machine";
    }
    return message;
  }
}
