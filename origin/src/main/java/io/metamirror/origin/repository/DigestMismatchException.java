package io.metamirror.origin.repository;

import io.metamirror.protocol.Sha256;
import java.io.IOException;

/** Content did not hash to the sha256 its sender announced; nothing was kept. */
public final class DigestMismatchException extends IOException {
  public DigestMismatchException(Sha256 expected, Sha256 actual) {
    super("content sha256 is " + actual + " but " + expected + " was announced");
  }
}
