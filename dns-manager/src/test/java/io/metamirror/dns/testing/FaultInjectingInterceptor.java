package io.metamirror.dns.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.Route53ClientBuilder;
import software.amazon.awssdk.services.route53.Route53ServiceClientConfiguration;
import software.amazon.awssdk.services.route53.model.ChangeResourceRecordSetsRequest;
import software.amazon.awssdk.services.route53.model.Route53Exception;

/**
 * A fault seam in a real Route53 client's execution chain (talking to moto_server): it counts calls
 * and writes, and injects {@code Throttling} errors, which the emulator never produces, before
 * every {@code throttleEvery}-th call (0: never). The SDK hands it every call once, before sending
 * it, whatever the operation, so no method of the client needs code of its own here.
 *
 * <p>A write is any operation but {@code List*} and {@code Get*}; a throttled call is not counted
 * as a write, since Route53 never saw it.
 */
public final class FaultInjectingInterceptor implements ExecutionInterceptor, AutoCloseable {
  public final AtomicInteger writes = new AtomicInteger();
  public final AtomicInteger calls = new AtomicInteger();
  public final AtomicInteger throttled = new AtomicInteger();
  public final AtomicInteger changeBatches = new AtomicInteger();
  private volatile int throttleEvery;
  private final List<Route53Client> clients = new CopyOnWriteArrayList<>();

  /**
   * A client configured as {@code real} is (region, endpoint, credentials, overrides such as its
   * retry strategy) with this seam in its chain. Closing the seam closes both clients.
   */
  public Route53Client around(Route53Client real) {
    Route53ServiceClientConfiguration config = real.serviceClientConfiguration();
    Route53ClientBuilder builder =
        Route53Client.builder()
            .region(config.region())
            .credentialsProvider(config.credentialsProvider())
            .overrideConfiguration(
                config.overrideConfiguration().toBuilder().addExecutionInterceptor(this).build());
    config.endpointOverride().ifPresent(builder::endpointOverride);
    Route53Client faulty = builder.build();
    clients.add(real);
    clients.add(faulty);
    return faulty;
  }

  /** From now on, every {@code n}-th call fails with Throttling first (0 turns it off). */
  public void throttleEvery(int n) {
    throttleEvery = n;
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
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
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    if (!operation.startsWith("List") && !operation.startsWith("Get")) {
      writes.incrementAndGet();
    }
    if (context.request() instanceof ChangeResourceRecordSetsRequest) {
      changeBatches.incrementAndGet();
    }
  }

  @Override
  public void close() {
    clients.forEach(Route53Client::close);
  }
}
