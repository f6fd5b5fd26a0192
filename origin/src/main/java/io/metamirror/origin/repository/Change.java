package io.metamirror.origin.repository;

import io.metamirror.protocol.ContentPath;
import java.util.Objects;

/** One requested change in a publish: a put of staged content, or a delete. */
public record Change(ContentPath path, StagedBlob blob) {
  public Change {
    Objects.requireNonNull(path, "path");
  }

  public static Change put(ContentPath path, StagedBlob blob) {
    return new Change(path, Objects.requireNonNull(blob, "blob"));
  }

  public static Change delete(ContentPath path) {
    return new Change(path, null);
  }

  public boolean isDelete() {
    return blob == null;
  }
}
