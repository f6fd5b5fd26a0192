package io.metamirror.cli;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd that a service is ready, for the packaged units ({@code Type=notify}): {@code
 * mirror serve} and {@code origin serve} once they listen, {@code dns watch} once it watches.
 *
 * <p>Java cannot send on the datagram socket that {@code $NOTIFY_SOCKET} names (its Unix-domain
 * channels are stream sockets only), so this runs systemd's own {@code systemd-notify --ready},
 * which the units allow with {@code NotifyAccess=all}. By default {@code systemd-notify} waits
 * until systemd has read the message (a barrier), so the message is credited to the unit although
 * the helper exits at once. Without {@code NOTIFY_SOCKET} (not started by systemd) this does
 * nothing. A failure is one log line: systemd then ends the start at the unit's {@code
 * TimeoutStartSec}, and the line says why.
 */
public final class SystemdNotify {
  private static final Logger log = LoggerFactory.getLogger(SystemdNotify.class);
  private static final long WAIT_SECONDS = 10;

  private SystemdNotify() {}

  /** {@code READY=1} with {@code status} (shown by {@code systemctl status}), under systemd. */
  public static void ready(Map<String, String> env, String status) {
    String socket = env.get("NOTIFY_SOCKET");
    if (socket == null || socket.isEmpty()) {
      return;
    }
    List<String> command = List.of("systemd-notify", "--ready", "--status=" + status);
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        log.warn("event=notify_failed socket={} error=\"no answer in {} s\"", socket, WAIT_SECONDS);
      } else if (p.exitValue() != 0) {
        log.warn("event=notify_failed socket={} error=\"exit {}\"", socket, p.exitValue());
      }
    } catch (IOException e) {
      log.warn("event=notify_failed socket={} error=\"{}\"", socket, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
