package io.metamirror.bench.harness;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The AWS API emulator ({@code moto_server}, which {@code scripts/test} installs) as a child
 * process on a free loopback port, its output in {@code moto.log}: EC2 and Route53 for the fleet
 * e2e run. It runs no instance and evaluates no health check.
 */
public final class AwsEmulator {
  private AwsEmulator() {}

  /** Starts it and waits until it answers; returns its endpoint. */
  public static URI start(Harness harness) throws IOException, InterruptedException {
    int port = LoopbackPorts.free();
    Process p =
        harness
            .processes()
            .start(
                List.of("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port)),
                Map.of(),
                harness.workspace().file("moto.log"));
    String url = "http://127.0.0.1:" + port;
    HttpClients.awaitAnswer(HttpClients.http11(), url + "/moto-api/", p, "moto_server");
    System.err.printf("[bench] moto_server pid %d on %s%n", p.pid(), url);
    return URI.create(url);
  }
}
