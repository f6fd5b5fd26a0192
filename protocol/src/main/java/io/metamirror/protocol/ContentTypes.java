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
    String value = path.value();
    int slash = value.lastIndexOf('/');
    int dot = value.lastIndexOf('.');
    if (dot <= slash) {
      return "application/octet-stream";
    }
    return BY_EXTENSION.getOrDefault(
        value.substring(dot + 1).toLowerCase(java.util.Locale.ROOT), "application/octet-stream");
  }
}
