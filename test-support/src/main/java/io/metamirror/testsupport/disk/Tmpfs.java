package io.metamirror.testsupport.disk;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Small real disks (tmpfs) for tests that fill one, unmounted after each test. Mounting needs
 * permission, as root in CI; where it is refused the test is skipped, not failed.
 *
 * <pre>{@code
 * @RegisterExtension final Tmpfs tmpfs = new Tmpfs();
 * ...
 * Path disk = tmpfs.mount(tmp.resolve("disk"), "1m");
 * }</pre>
 */
public final class Tmpfs implements AfterEachCallback {
  private final List<Path> mounted = new ArrayList<>();

  /**
   * Mounts a tmpfs of {@code size} (as {@code mount -o size=} takes it: {@code 256k}, {@code 1m})
   * on {@code dir}, creating it; returns {@code dir}.
   */
  public Path mount(Path dir, String size) throws IOException, InterruptedException {
    return mount(dir, size, "");
  }

  /**
   * As {@link #mount(Path, String)}, with more of {@code mount -o}'s options after a comma: {@code
   * noexec} makes a disk from which no program or native library can be run.
   */
  public Path mount(Path dir, String size, String options)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String all = "size=" + size + (options.isEmpty() ? "" : "," + options);
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", all, "tmpfs", dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assumeTrue(mount.waitFor() == 0, "cannot mount a tmpfs here (not root?)");
    mounted.add(dir);
    return dir;
  }

  /** A lazy unmount when a plain one fails: a file still open must not fail the next test. */
  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (Path dir : mounted) {
      if (new ProcessBuilder("umount", dir.toString()).inheritIO().start().waitFor() != 0) {
        new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start().waitFor();
      }
    }
    mounted.clear();
  }
}
