package io.metamirror.protocol;

import java.io.IOException;

/** Input from the other side (a peer, a file) that breaks the protocol; the message says how. */
public final class ProtocolException extends IOException {
  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
