package io.metamirror.sync.agent;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The lock held by whoever writes the store's tree: the follow loop while it applies a page or
 * bootstraps, the repair worker while it repairs a file. So a repair never interleaves with a page
 * and installs the version the manifest lists then, and a reader that holds it ({@link
 * #whileSettled}) sees a manifest and a disk that belong together.
 */
final class TreeWriteLock {
  /** A write to the store's tree, which may fail with an I/O error. */
  interface TreeWrite<T> {
    T run() throws IOException;
  }

  private final ReentrantLock lock = new ReentrantLock();

  /** Runs {@code write} holding the lock; waits, uninterruptibly, for whoever holds it now. */
  <T> T writing(TreeWrite<T> write) throws IOException {
    lock.lock();
    try {
      return write.run();
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code read} holding the lock; see {@link SyncAgent#whileTreeSettled}. */
  <T> T whileSettled(Supplier<T> read) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }
}
