package io.metamirror.protocol;

import java.util.Map;

/** The {@code Content-Type} of a content path, by its extension; the same on every node. */
public final class ContentTypes {
  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("json", "application/json"),
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("htm", "text/html; charset=utf-8"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("xml", "application/xml"),
          Map.entry("gz", "application/gzip"),
          Map.entry("bz2", "application/x-bzip2"),
          Map.entry("xz", "application/x-xz"),
          Map.entry("zip", "application/zip"),
          Map.entry("tar", "application/x-tar"),
          Map.entry("asc", "text/plain; charset=utf-8"),
          Map.entry("sig", "application/pgp-signature"),
          Map.entry("gpg", "application/pgp-keys"));

  private ContentTypes() {}

  public static String of(ContentPath path) {
    return BY_EXTENSION.getOrDefault(path.extension(), "application/octet-stream");
  }
}
