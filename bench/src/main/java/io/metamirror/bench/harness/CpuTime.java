package io.metamirror.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time from /proc. Its unit is USER_HZ, 100 per second on every Linux (the kernel converts to
 * it whatever its own tick rate), so no sysconf call is needed.
 */
public final class CpuTime {
  private static final double TICKS_PER_SECOND = 100;

  private CpuTime() {}

  /**
   * Seconds all the machine's CPUs have been busy since boot (user, nice, system, irq, softirq),
   * every process and the kernel's own work (writeback) included: a difference of two readings is
   * what a measurement cost the whole machine, whichever process spent it.
   */
  public static double machineBusySeconds() throws IOException {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long ticks = 0;
    for (int i : new int[] {1, 2, 3, 6, 7}) {
      ticks += Long.parseLong(f[i]);
    }
    return ticks / TICKS_PER_SECOND;
  }

  /** User + system CPU seconds of the processes, all their threads included. */
  public static double processSeconds(long... pids) throws IOException {
    long ticks = 0;
    for (long pid : pids) {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // The command name in parentheses may hold spaces; after it come the fields from the 3rd
      // on, so utime and stime (the 14th and 15th) are the 12th and 13th of those.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
    return ticks / TICKS_PER_SECOND;
  }
}
