package io.metamirror.packaging;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.testsupport.poll.Polling;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The receiving end of {@code $NOTIFY_SOCKET}, where systemd reads what a Type=notify service tells
 * it: a Unix datagram socket, bound and read by python3 (Java cannot bind a datagram Unix socket).
 * File descriptors that come with a message are closed, as systemd does, so that {@code
 * systemd-notify}'s barrier completes. Each message is kept as one line, its newlines as spaces.
 */
final class NotifySocket implements AutoCloseable {
  private static final String RECEIVER =
      String.join(
          "\n",
          "import array, os, socket, sys",
          "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
          "s.bind(sys.argv[1])",
          "print('bound', flush=True)",
          "while True:",
          "    msg, anc, flags, addr = s.recvmsg(4096, socket.CMSG_SPACE(64 * 4))",
          "    for level, kind, data in anc:",
          "        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:",
          "            fds = array.array('i')",
          "            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])",
          "            for fd in fds:",
          "                os.close(fd)",
          "    print(msg.decode().replace('\\n', ' '), flush=True)");

  private final Path path;
  private final Process receiver;
  private final List<String> messages = new CopyOnWriteArrayList<>();

  private NotifySocket(Path path, Process receiver) {
    this.path = path;
    this.receiver = receiver;
  }

  static NotifySocket open(Path path) throws IOException {
    Process p =
        new ProcessBuilder("python3", "-c", RECEIVER, path.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String first = lines.readLine();
    if (!"bound".equals(first)) {
      p.destroyForcibly();
      throw new IOException("python3 could not bind " + path + ": " + first);
    }
    NotifySocket socket = new NotifySocket(path, p);
    Thread reader =
        new Thread(
            () -> {
              try {
                for (String line; (line = lines.readLine()) != null; ) {
                  socket.messages.add(line);
                }
              } catch (IOException e) {
                // the receiver ended
              }
            },
            "notify-socket-reader");
    reader.setDaemon(true);
    reader.start();
    assertTrue(Files.exists(path), "bound " + path);
    return socket;
  }

  Path path() {
    return path;
  }

  /** The first message that contains {@code text}, once one arrived. */
  String awaitMessageContaining(String text) throws Exception {
    return Polling.awaitValue(
        "a message with " + text + " on " + path,
        () -> messages.stream().filter(m -> m.contains(text)).findFirst().orElse(null),
        m -> m != null);
  }

  @Override
  public void close() throws InterruptedException {
    receiver.destroyForcibly().waitFor();
  }
}
