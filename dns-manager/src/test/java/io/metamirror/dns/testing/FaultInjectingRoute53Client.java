package io.metamirror.dns.testing;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.*;

/**
 * A seam around the real Route53 client (talking to moto_server): it counts write calls, and
 * injects {@code Throttling} errors, which the emulator never produces, before every {@code
 * throttleEvery}-th call (0: never). Everything else goes to the real client.
 */
public final class FaultInjectingRoute53Client implements Route53Client {
  private final Route53Client real;
  public final AtomicInteger writes = new AtomicInteger();
  public final AtomicInteger calls = new AtomicInteger();
  public final AtomicInteger throttled = new AtomicInteger();
  public final AtomicInteger changeBatches = new AtomicInteger();
  private volatile int throttleEvery;

  public FaultInjectingRoute53Client(Route53Client real) {
    this.real = real;
  }

  /** From now on, every {@code n}-th call fails with Throttling first (0 turns it off). */
  public void throttleEvery(int n) {
    throttleEvery = n;
  }

  private void before(boolean write) {
    int n = calls.incrementAndGet();
    int every = throttleEvery;
    if (every > 0 && n % every == 0) {
      throttled.incrementAndGet();
      throw (Route53Exception)
          Route53Exception.builder()
              .statusCode(400)
              .message("Rate exceeded (injected)")
              .awsErrorDetails(
                  AwsErrorDetails.builder()
                      .errorCode("Throttling")
                      .errorMessage("Rate exceeded (injected)")
                      .build())
              .build();
    }
    if (write) {
      writes.incrementAndGet();
    }
  }

  @Override
  public ListHostedZonesByNameResponse listHostedZonesByName(ListHostedZonesByNameRequest r) {
    before(false);
    return real.listHostedZonesByName(r);
  }

  @Override
  public GetHostedZoneResponse getHostedZone(GetHostedZoneRequest r) {
    before(false);
    return real.getHostedZone(r);
  }

  @Override
  public ListResourceRecordSetsResponse listResourceRecordSets(ListResourceRecordSetsRequest r) {
    before(false);
    return real.listResourceRecordSets(r);
  }

  @Override
  public ListHealthChecksResponse listHealthChecks(ListHealthChecksRequest r) {
    before(false);
    return real.listHealthChecks(r);
  }

  @Override
  public ListTagsForResourcesResponse listTagsForResources(ListTagsForResourcesRequest r) {
    before(false);
    return real.listTagsForResources(r);
  }

  @Override
  public GetChangeResponse getChange(GetChangeRequest r) {
    before(false);
    return real.getChange(r);
  }

  @Override
  public ChangeResourceRecordSetsResponse changeResourceRecordSets(
      ChangeResourceRecordSetsRequest r) {
    before(true);
    changeBatches.incrementAndGet();
    return real.changeResourceRecordSets(r);
  }

  @Override
  public CreateHealthCheckResponse createHealthCheck(CreateHealthCheckRequest r) {
    before(true);
    return real.createHealthCheck(r);
  }

  @Override
  public UpdateHealthCheckResponse updateHealthCheck(UpdateHealthCheckRequest r) {
    before(true);
    return real.updateHealthCheck(r);
  }

  @Override
  public DeleteHealthCheckResponse deleteHealthCheck(DeleteHealthCheckRequest r) {
    before(true);
    return real.deleteHealthCheck(r);
  }

  @Override
  public ChangeTagsForResourceResponse changeTagsForResource(ChangeTagsForResourceRequest r) {
    before(true);
    return real.changeTagsForResource(r);
  }

  @Override
  public String serviceName() {
    return real.serviceName();
  }

  @Override
  public void close() {
    real.close();
  }
}
