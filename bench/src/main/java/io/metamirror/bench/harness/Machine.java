package io.metamirror.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the figures were measured on. Every benchmark prints this, because a figure means little
 * without the cores, the disk and what else was running (the load average).
 */
public final class Machine {
  private Machine() {}

  /** One line: CPUs, CPU model, RAM, kernel, Java, and the disk holding {@code workDirectory}. */
  public static String describe(Path workDirectory) {
    return String.format(
        Locale.ROOT,
        "machine: %d CPUs (%s), %s MB RAM, kernel %s, Java %s; work directory %s on %s",
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        memTotalMb(),
        read("/proc/sys/kernel/osrelease"),
        System.getProperty("java.version"),
        workDirectory,
        disk(workDirectory));
  }

  /** The 1, 5 and 15-minute load averages: above the CPU count, something else was running. */
  public static String loadAverage() {
    String[] f = read("/proc/loadavg").split(" ");
    return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "?";
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // unknown
    }
    return "?";
  }

  private static String memTotalMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return String.format(
              Locale.ROOT, "%,d", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown
    }
    return "?";
  }

  /**
   * The file system and device of the mount holding {@code path} (from /proc/self/mountinfo), and
   * whether the kernel calls that device rotational. A virtual disk often says rotational whatever
   * backs it, so this names the device rather than guessing SSD or HDD.
   */
  static String disk(Path path) {
    String best = null;
    String fsType = "?";
    String device = "?";
    String absolute = path.toAbsolutePath().normalize().toString();
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
      for (String line : lines) {
        // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
        String[] f = line.split(" ");
        String mountPoint = f[4];
        boolean contains =
            absolute.equals(mountPoint)
                || mountPoint.equals("/")
                || absolute.startsWith(mountPoint + "/");
        if (contains && (best == null || mountPoint.length() >= best.length())) {
          int dash = line.indexOf(" - ");
          String[] tail = line.substring(dash + 3).split(" ");
          best = mountPoint;
          fsType = tail[0];
          device = tail[1];
        }
      }
    } catch (IOException | RuntimeException e) {
      return "an unknown disk";
    }
    Path deviceName = Path.of(device).getFileName();
    String rotational =
        deviceName == null ? "?" : read("/sys/class/block/" + deviceName + "/queue/rotational");
    return fsType
        + " on "
        + device
        + (rotational.equals("1")
            ? " (the kernel calls it rotational)"
            : rotational.equals("0") ? " (the kernel calls it non-rotational)" : "");
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file)).trim();
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
