package io.metamirror.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's resident memory, from /proc. */
public final class ResidentMemory {
  private ResidentMemory() {}

  /**
   * Resident memory in KiB ({@code VmRSS}, what {@code ps -o rss} shows); 0 once the process has
   * exited, so that a sampler racing the end of a run reads nothing rather than failing it.
   */
  public static long kib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // exited
    }
    return 0;
  }
}
