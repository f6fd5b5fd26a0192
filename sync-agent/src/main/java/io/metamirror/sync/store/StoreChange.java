package io.metamirror.sync.store;

import io.metamirror.protocol.ContentPath;

/**
 * One change a commit records: a file put at its path, or a path deleted. A commit's changes are in
 * seq order and are applied in that order, so a page that deletes a path and puts it again ends
 * with the put.
 */
public sealed interface StoreChange {
  ContentPath path();

  long seq();

  static StoreChange put(LocalFile file) {
    return new Put(file);
  }

  static StoreChange delete(ContentPath path, long seq) {
    return new Delete(path, seq);
  }

  /** The store now holds {@code file} at its path. */
  record Put(LocalFile file) implements StoreChange {
    @Override
    public ContentPath path() {
      return file.path();
    }

    @Override
    public long seq() {
      return file.seq();
    }
  }

  /** The store no longer holds {@code path}; {@code seq} is the delete's. */
  record Delete(ContentPath path, long seq) implements StoreChange {}
}
