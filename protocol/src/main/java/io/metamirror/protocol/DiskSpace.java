package io.metamirror.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The space of the file system that holds a path, for the disk gauges of the origin and nodes. */
public final class DiskSpace {
  private DiskSpace() {}

  /** Bytes this process may still write there, or -1 when the file system cannot be read. */
  public static long available(Path path) {
    try {
      return Files.getFileStore(path).getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  /** The file system's size in bytes, or -1 when it cannot be read. */
  public static long total(Path path) {
    try {
      return Files.getFileStore(path).getTotalSpace();
    } catch (IOException e) {
      return -1;
    }
  }
}
