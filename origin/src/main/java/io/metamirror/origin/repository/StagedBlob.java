package io.metamirror.origin.repository;

import io.metamirror.protocol.Sha256;
import java.nio.file.Path;

/**
 * Content written to a dot-named temp file in the blob store, hashed, not yet durable and not yet
 * under its final name. {@link OriginRepository#publish} makes it durable and renames it; a
 * rejected request discards it. {@link OriginRepository#store} may do the first part early, for a
 * batch too large to keep a temp file per file: then {@link #temp} is null.
 */
public final class StagedBlob {
  final Sha256 sha256;
  final long size;

  /** The temp file, or null once the content is durable under its final name. */
  Path temp;

  StagedBlob(Sha256 sha256, long size, Path temp) {
    this.sha256 = sha256;
    this.size = size;
    this.temp = temp;
  }

  public Sha256 sha256() {
    return sha256;
  }

  public long size() {
    return size;
  }
}
