package io.metamirror.mirror.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 over a TLS socket, bytes exactly as given: no client library normalises, encodes or
 * refuses the request target on the way, so a hostile URI reaches the server unaltered.
 */
final class RawTls {
  private RawTls() {}

  /** What came back; {@code status} is -1 when the server closed without a status line. */
  record Response(int status, String head, byte[] body) {
    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      String text = bodyText();
      return head + "\n\n" + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
    }
  }

  /** A GET of {@code target} (sent as ISO-8859-1 bytes, so raw high bytes go out as they are). */
  static Response get(SSLContext context, int port, String target, String... extraHeaderLines)
      throws IOException {
    StringBuilder request = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n");
    request.append("Host: 127.0.0.1\r\n");
    for (String line : extraHeaderLines) {
      request.append(line).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    return exchange(context, port, request.toString().getBytes(StandardCharsets.ISO_8859_1), null);
  }

  /**
   * Sends {@code head} and then, from another thread, {@code body} (ignoring a server that stops
   * reading it), and reads the answer.
   */
  static Response exchange(SSLContext context, int port, byte[] head, byte[] body)
      throws IOException {
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000); // a hang guard
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write(head);
      out.flush();
      Thread writer = null;
      if (body != null) {
        writer =
            new Thread(
                () -> {
                  try {
                    out.write(body);
                    out.flush();
                  } catch (IOException ignored) {
                    // the server answered without reading everything, and closed
                  }
                },
                "raw-tls-body-writer");
        writer.setDaemon(true);
        writer.start();
      }
      byte[] answer = readAll(socket.getInputStream());
      return parse(answer);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    try {
      for (int n; (n = in.read(chunk)) >= 0; ) {
        buffer.write(chunk, 0, n);
      }
    } catch (SocketException e) {
      // a reset after the answer (the server closed with unread request bytes): keep what came
      if (buffer.size() == 0) {
        throw e;
      }
    }
    return buffer.toByteArray();
  }

  private static Response parse(byte[] answer) {
    String text = new String(answer, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      return new Response(-1, text, new byte[0]);
    }
    int status = Integer.parseInt(text.substring(9, 12));
    byte[] body = new byte[answer.length - end - 4];
    System.arraycopy(answer, end + 4, body, 0, body.length);
    return new Response(status, text.substring(0, end), body);
  }
}
