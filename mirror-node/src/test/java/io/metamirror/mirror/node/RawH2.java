package io.metamirror.mirror.node;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/2 over one TLS connection, with the {@code :path} sent byte for byte as given: no client
 * library validates, encodes or refuses it on the way, so a bad path reaches the server unaltered.
 * Requests go one at a time on the same connection, so a test sees whether a refusal cost the
 * connection. Only what the tests read is decoded: the {@code :status} (from HPACK's static table,
 * where every status the node answers a bad path with is) and the body.
 */
final class RawH2 implements AutoCloseable {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int PING = 6;
  private static final int GOAWAY = 7;
  private static final int END_STREAM = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int PADDED = 0x8;
  private static final int PRIORITY = 0x20;

  /**
   * How one request ended: a status (-1 when none came), the body, and the RST_STREAM error code
   * (-1 when the stream was not reset); {@code connectionLost} when the server sent GOAWAY or
   * closed the connection instead.
   */
  record Response(int status, byte[] body, int resetCode, boolean connectionLost) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "status="
          + status
          + " reset="
          + resetCode
          + " connectionLost="
          + connectionLost
          + " body="
          + bodyText();
    }
  }

  private final SSLSocket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final int port;
  private int nextStream = 1;
  private boolean lost;

  private RawH2(SSLSocket socket, int port) throws IOException {
    this.socket = socket;
    this.port = port;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** A connection that negotiated h2 with ALPN, preface and settings sent. */
  static RawH2 connect(SSLContext context, int port) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    try {
      socket.setSoTimeout(20_000); // a hang guard
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      if (!"h2".equals(socket.getApplicationProtocol())) {
        throw new IOException("the server did not choose h2: " + socket.getApplicationProtocol());
      }
      RawH2 h2 = new RawH2(socket, port);
      h2.out.write(PREFACE);
      h2.frame(SETTINGS, 0, 0, new byte[0]);
      return h2;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** A GET of {@code path} (sent as ISO-8859-1 bytes, so raw high bytes go out as they are). */
  Response get(String path) throws IOException {
    if (lost) {
      throw new IOException("the connection is gone");
    }
    int stream = nextStream;
    nextStream += 2;
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    literal(block, ":method", "GET");
    literal(block, ":scheme", "https");
    literal(block, ":authority", "127.0.0.1:" + port);
    literal(block, ":path", path);
    frame(HEADERS, END_STREAM | END_HEADERS, stream, block.toByteArray());
    int status = -1;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      int length;
      try {
        length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
      } catch (EOFException | java.net.SocketException e) {
        lost = true;
        return new Response(status, body.toByteArray(), -1, true);
      }
      int type = in.readUnsignedByte();
      int flags = in.readUnsignedByte();
      int id = in.readInt() & 0x7fffffff;
      byte[] payload = in.readNBytes(length);
      if (type == SETTINGS && (flags & 0x1) == 0) {
        frame(SETTINGS, 0x1, 0, new byte[0]);
      } else if (type == PING && (flags & 0x1) == 0) {
        frame(PING, 0x1, 0, payload);
      } else if (type == GOAWAY) {
        lost = true;
        return new Response(status, body.toByteArray(), -1, true);
      } else if (id == stream && type == RST_STREAM) {
        int code =
            ((payload[0] & 0xff) << 24)
                | ((payload[1] & 0xff) << 16)
                | ((payload[2] & 0xff) << 8)
                | (payload[3] & 0xff);
        return new Response(status, body.toByteArray(), code, false);
      } else if (id == stream && type == HEADERS) {
        status = status(unpad(payload, flags));
      } else if (id == stream && type == DATA) {
        body.write(unpad(payload, flags));
      }
      if (id == stream && (type == HEADERS || type == DATA) && (flags & END_STREAM) != 0) {
        return new Response(status, body.toByteArray(), -1, false);
      }
    }
  }

  /** A literal header field without indexing, new name, no Huffman coding (RFC 7541 §6.2.2). */
  private static void literal(ByteArrayOutputStream block, String name, String value) {
    block.write(0x00);
    string(block, name.getBytes(StandardCharsets.ISO_8859_1));
    string(block, value.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void string(ByteArrayOutputStream block, byte[] bytes) {
    int n = bytes.length;
    if (n < 127) {
      block.write(n);
    } else {
      block.write(127);
      n -= 127;
      while (n >= 128) {
        block.write((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      block.write(n);
    }
    block.writeBytes(bytes);
  }

  /** The {@code :status} of a response header block whose first field is an indexed status. */
  private static int status(byte[] block) throws IOException {
    int first = block[0] & 0xff;
    if ((first & 0x80) != 0) {
      switch (first & 0x7f) {
        case 8:
          return 200;
        case 9:
          return 204;
        case 10:
          return 206;
        case 11:
          return 304;
        case 12:
          return 400;
        case 13:
          return 404;
        case 14:
          return 500;
        default:
          break;
      }
    }
    throw new IOException("cannot read this status field: 0x" + Integer.toHexString(first));
  }

  private static byte[] unpad(byte[] payload, int flags) {
    int from = 0;
    int to = payload.length;
    if ((flags & PADDED) != 0) {
      from = 1;
      to -= payload[0] & 0xff;
    }
    if ((flags & PRIORITY) != 0) {
      from += 5;
    }
    return java.util.Arrays.copyOfRange(payload, from, to);
  }

  private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    byte[] header = {
      (byte) (payload.length >>> 16),
      (byte) (payload.length >>> 8),
      (byte) payload.length,
      (byte) type,
      (byte) flags,
      (byte) (stream >>> 24),
      (byte) (stream >>> 16),
      (byte) (stream >>> 8),
      (byte) stream
    };
    out.write(header);
    out.write(payload);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
