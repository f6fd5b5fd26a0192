package io.metamirror.sync.agent;

import io.metamirror.protocol.Manifest;
import io.metamirror.protocol.Sha256;
import io.metamirror.protocol.http.CompressedTypes;
import io.metamirror.sync.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;

/**
 * How a bootstrap writes one file of the snapshot into staging: checked against the manifest's size
 * and sha256 (a mismatch is never written), stamped with the entry's time, with its twin when it
 * gets one.
 */
final class StagedWrites {
  private StagedWrites() {}

  /**
   * Checks {@code content} against the manifest, then writes it and (when {@code twin} and smaller)
   * its twin, each with one write, each stamped with the entry's time. Returns whether a twin was
   * written.
   */
  static boolean writeVerified(byte[] content, Path target, Manifest.File f, boolean twin)
      throws IOException {
    Sha256 actual = Sha256.of(content);
    if (content.length != f.size() || !actual.equals(f.sha256())) {
      throw new BlobMismatchException(f.sha256(), f.size(), actual, content.length);
    }
    FileTime mtime = FileTime.fromMillis(f.time());
    Store.writeNew(target, content, content.length);
    Store.stamp(target, mtime);
    if (twin) {
      Path twinPath = Store.twinFile(target);
      if (Store.writeTwin(
          content, content.length, twinPath, CompressedTypes.gzipRequired(f.path()))) {
        Store.stamp(twinPath, mtime);
        return true;
      }
    }
    return false;
  }

  /** Streams a large file to {@code target}, then checks it; returns whether a twin was written. */
  static boolean copyVerified(InputStream in, Path target, Manifest.File f, boolean twin)
      throws IOException {
    MessageDigest digest = Sha256.newDigest();
    long size = 0;
    try (OutputStream out = Files.newOutputStream(target)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) != -1; ) {
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
        size += n;
      }
    }
    Sha256 actual = Sha256.ofDigest(digest.digest());
    if (size != f.size() || !actual.equals(f.sha256())) {
      throw new BlobMismatchException(f.sha256(), f.size(), actual, size);
    }
    FileTime mtime = FileTime.fromMillis(f.time());
    Store.stamp(target, mtime);
    Path twinPath = Store.twinFile(target);
    if (twin && Store.writeTwin(target, twinPath, CompressedTypes.gzipRequired(f.path()))) {
      Store.stamp(twinPath, mtime);
      return true;
    }
    return false;
  }
}
