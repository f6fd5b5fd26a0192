package io.metamirror.protocol;

/** A content path broke one of the rules in {@link ContentPath}; the message names the rule. */
public final class BadPathException extends IllegalArgumentException {
  public BadPathException(String message) {
    super(message);
  }
}
