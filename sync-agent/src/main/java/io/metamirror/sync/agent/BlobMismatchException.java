package io.metamirror.sync.agent;

import io.metamirror.protocol.Sha256;
import java.io.IOException;

/** The origin sent bytes that are not the blob the journal names; they were not kept. */
final class BlobMismatchException extends IOException {
  BlobMismatchException(Sha256 expected, long size, Sha256 actual, long actualSize) {
    super(
        "blob "
            + expected
            + " ("
            + size
            + " bytes) arrived as "
            + actual
            + " ("
            + actualSize
            + (actualSize > size ? "+" : "")
            + " bytes)");
  }
}
