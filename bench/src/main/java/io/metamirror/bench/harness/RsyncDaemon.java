package io.metamirror.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code rsync --daemon} serving one directory as module {@code tree}: the reference for pulling a
 * tree over the network, as a mirror of a plain directory would.
 */
public record RsyncDaemon(String moduleUrl, Process process) {
  public static RsyncDaemon start(Harness harness, Path moduleDirectory)
      throws IOException, InterruptedException {
    Workspace workspace = harness.workspace();
    int port = LoopbackPorts.free();
    StringBuilder conf = new StringBuilder();
    conf.append("use chroot = false\n")
        .append("reverse lookup = no\n")
        .append("log file = ")
        .append(workspace.file("rsyncd-transfers.log"))
        .append('\n')
        .append("max connections = 4\n");
    if ("root".equals(System.getProperty("user.name"))) {
      // as root, rsyncd would otherwise drop to nobody, which may not read the tree
      conf.append("uid = root\ngid = root\n");
    }
    conf.append("[tree]\n  path = ").append(moduleDirectory).append("\n  read only = true\n");
    Path confFile = Files.writeString(workspace.file("rsyncd.conf"), conf);
    Process process =
        harness.startServer(
            "rsyncd",
            List.of(
                "rsync",
                "--daemon",
                "--no-detach",
                "--address=127.0.0.1",
                "--port=" + port,
                "--config=" + confFile));
    String root = "rsync://127.0.0.1:" + port + "/";
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        // lists the modules: answers once the daemon listens
        harness.processes().output(List.of("rsync", root), Duration.ofSeconds(10));
        break;
      } catch (BenchFailure notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new BenchFailure("rsync --daemon did not answer on " + root);
        }
        Thread.sleep(100);
      }
    }
    System.err.printf(
        "[bench] rsyncd pid %d on %s, module tree = %s%n", process.pid(), root, moduleDirectory);
    return new RsyncDaemon(root + "tree/", process);
  }
}
