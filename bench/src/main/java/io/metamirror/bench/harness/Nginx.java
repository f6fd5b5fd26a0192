package io.metamirror.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * nginx, the reference web server, in the foreground with its configuration, pid file, logs and
 * temp directories all in the workspace: no system configuration is read or changed.
 */
public final class Nginx {
  /**
   * The inside of {@code http {}} every benchmark serves static files with: sendfile, long
   * keep-alive (wrk reuses its connections), the metadata's types; no {@code open_file_cache}.
   */
  public static final String STATIC_FILES =
      String.join(
          "\n",
          "  sendfile on;",
          "  tcp_nopush on;",
          "  tcp_nodelay on;",
          "  keepalive_requests 10000000;",
          "  keepalive_timeout 120s;",
          "  types { application/json json; text/html html; }",
          "  default_type application/octet-stream;");

  /** The TLS settings of every HTTPS server the benchmarks start: the node's own certificate. */
  public static String tlsSettings(MirrorNode.TlsFiles tls) {
    return String.join(
        "\n",
        "  ssl_certificate " + tls.certificate() + ";",
        "  ssl_certificate_key " + tls.key() + ";",
        "  ssl_protocols TLSv1.2 TLSv1.3;",
        "  ssl_session_cache shared:SSL:1m;");
  }

  private final Process master;

  private Nginx(Process master) {
    this.master = master;
  }

  /**
   * Starts nginx with {@code workerProcesses} and {@code workerConnections}, {@code httpBlock} the
   * inside of its {@code http {}} (servers and settings; access logging is off and temp paths are
   * set here), and waits until {@code readinessUrl} (plain HTTP) answers.
   */
  public static Nginx start(
      Harness harness,
      String workerProcesses,
      int workerConnections,
      String httpBlock,
      String readinessUrl)
      throws IOException, InterruptedException {
    return start(harness, "nginx", workerProcesses, workerConnections, httpBlock, readinessUrl);
  }

  /**
   * {@link #start} with its files in the workspace's directory {@code name} and its log {@code
   * NAME.log}: for a run with more than one nginx.
   */
  public static Nginx start(
      Harness harness,
      String name,
      String workerProcesses,
      int workerConnections,
      String httpBlock,
      String readinessUrl)
      throws IOException, InterruptedException {
    Path dir = harness.workspace().directory(name);
    Files.createDirectories(dir.resolve("logs"));
    Files.createDirectories(dir.resolve("tmp"));
    String config =
        String.join(
            "\n",
            "worker_processes " + workerProcesses + ";",
            "daemon off;",
            "pid " + dir.resolve("nginx.pid") + ";",
            "error_log " + dir.resolve("logs/error.log") + " warn;",
            "events { worker_connections " + workerConnections + "; }",
            "http {",
            "  access_log off;",
            "  client_body_temp_path " + dir.resolve("tmp/body") + ";",
            "  proxy_temp_path " + dir.resolve("tmp/proxy") + ";",
            "  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";",
            "  uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";",
            "  scgi_temp_path " + dir.resolve("tmp/scgi") + ";",
            httpBlock,
            "}",
            "");
    Path conf = Files.writeString(dir.resolve("nginx.conf"), config);
    String errorLog = dir.resolve("logs/error.log").toString();
    Process master =
        harness.startServer(
            name, List.of(binary(), "-p", dir.toString(), "-c", conf.toString(), "-e", errorLog));
    HttpClients.awaitAnswer(HttpClients.http11(), readinessUrl, master, name);
    System.err.printf("[bench] %s pid %d, configuration %s%n", name, master.pid(), conf);
    return new Nginx(master);
  }

  /** The master and its workers: the processes whose CPU and memory are nginx's. */
  public long[] pids() {
    List<Long> pids = new ArrayList<>();
    pids.add(master.pid());
    master.toHandle().children().forEach(c -> pids.add(c.pid()));
    return pids.stream().mapToLong(Long::longValue).toArray();
  }

  /** Stops the master (and so its workers) before the run ends, to give back its memory. */
  public void stop(Harness harness) throws InterruptedException {
    harness.processes().stop(master);
  }

  /** nginx on the PATH, else where Debian installs it (/usr/sbin is not on every PATH). */
  private static String binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nginx"))) {
        return Path.of(dir, "nginx").toString();
      }
    }
    return "/usr/sbin/nginx";
  }
}
