package io.metamirror.mirror.node;

import io.metamirror.protocol.http.EntityTags;
import io.metamirror.sync.store.LocalFile;
import java.time.Instant;

/**
 * One version of a small file of the store, ready to send: its bytes, those of its gzip twin (or
 * null), and every header value that depends on the version, formatted once.
 */
final class CachedFile {
  final LocalFile version;
  final byte[] plain;
  final String etag;
  final byte[] gzip;
  final String gzipEtag;
  final String lastModified;
  final Instant modified;
  final String contentType;
  final String cacheControl;
  final boolean vary;

  CachedFile(
      LocalFile version,
      byte[] plain,
      byte[] gzip,
      String lastModified,
      String contentType,
      String cacheControl,
      boolean vary) {
    this.version = version;
    this.plain = plain;
    this.gzip = gzip;
    this.etag = EntityTags.of(version.sha256());
    this.gzipEtag = EntityTags.gzipOf(version.sha256());
    this.lastModified = lastModified;
    this.modified = Instant.ofEpochMilli(version.time());
    this.contentType = contentType;
    this.cacheControl = cacheControl;
    this.vary = vary;
  }

  /** Bytes it holds in bodies, what the cache bound counts. */
  long weight() {
    return plain.length + (gzip == null ? 0 : gzip.length);
  }
}
