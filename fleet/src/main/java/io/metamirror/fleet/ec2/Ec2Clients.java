package io.metamirror.fleet.ec2;

import io.metamirror.dns.aws.AwsAccess;
import java.util.Objects;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * EC2 clients with the process's AWS access: the endpoint override and credentials of {@link
 * AwsAccess}, so EC2 and Route53 always talk to the same AWS or the same emulator, and the
 * url-connection HTTP client. One client per region, built only for the regions a command touches:
 * EC2 state is regional. Unlike Route53's, these keep the SDK's standard retries, since no gateway
 * here has a policy of its own.
 */
public final class Ec2Clients {
  private final AwsAccess aws;

  public Ec2Clients(AwsAccess aws) {
    this.aws = Objects.requireNonNull(aws, "aws");
  }

  /** A new client for {@code region}; the caller closes it. */
  public Ec2Client forRegion(String region) {
    var b =
        Ec2Client.builder()
            .region(Region.of(region))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .credentialsProvider(aws.credentials());
    if (aws.endpoint() != null) {
      b.endpointOverride(aws.endpoint());
    }
    return b.build();
  }

  @Override
  public String toString() {
    return "EC2 at " + aws;
  }
}
