package io.metamirror.dns.testing;

/**
 * The fleet file of the issue that started the DNS manager: three static nodes in two regions.
 * Shared by the parser's tests and the CLI's, so that both read the same file.
 */
public final class SampleFleetFile {
  public static final String ISSUE_SHAPE =
      """
      owner: demo
      zone: example.test.            # hosted zone name; `zoneId: Z...` also accepted
      name: repo.example.test.
      ttl: 60
      healthCheck: {path: /.metamirror/health, port: 443, interval: 30, failureThreshold: 3}
      regions:
        eu-west-1:
          nodes:
            - {id: eu1, ipv4: 203.0.113.10}
            - {id: eu2, ipv4: 203.0.113.11}
        us-east-1:
          nodes:
            - {id: us1, ipv4: 198.51.100.10}
      """;

  private SampleFleetFile() {}
}
