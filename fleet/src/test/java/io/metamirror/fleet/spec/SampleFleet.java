package io.metamirror.fleet.spec;

/** A fleet file with node and launch settings for one region, as an operator would write it. */
public final class SampleFleet {
  public static final String SHA256 =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  public static final String OPERABLE =
      """
      owner: demo
      zone: example.test.
      name: repo.example.test.
      ttl: 60
      discover: ec2
      node:
        origin: https://origin.example.test
        artifact:
          url: https://dl.example.test/metamirror_0.1.0_all.deb
          sha256: %s
        tls: {certParameter: /metamirror/demo/tls-cert, keyParameter: /metamirror/demo/tls-key}
      regions:
        eu-west-1:
          launch:
            ami: ami-0123456789abcdef0
            instanceType: t3.small
            subnets: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
            securityGroups: [sg-0123456789abcdef0]
            instanceProfile: metamirror-node
            count: 3
        us-east-1:
      """
          .formatted(SHA256);

  private SampleFleet() {}
}
