package io.metamirror.dns.route53;

import io.metamirror.dns.route53.Route53Gateway.RetryPolicy;
import io.metamirror.dns.route53.Route53Gateway.Sleeper;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The gateway's one retry policy: a call is retried on {@code Throttling} and {@code
 * PriorRequestNotComplete} (and on 5xx and I/O errors) with exponential backoff and full jitter, up
 * to {@link RetryPolicy#maxAttempts}. The SDK's own retries are off, so this is the only policy.
 */
final class RetryingCaller {
  private final RetryPolicy retry;
  private final Sleeper sleeper;
  private final Random random;

  RetryingCaller(RetryPolicy retry, Sleeper sleeper, Random random) {
    this.retry = Objects.requireNonNull(retry, "retry");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Runs {@code op}, retrying what Route53 says to retry. */
  <T> T call(String what, Supplier<T> op) {
    for (int attempt = 1; ; attempt++) {
      try {
        return op.get();
      } catch (AwsServiceException e) {
        if (!retryable(e) || attempt >= retry.maxAttempts()) {
          throw e;
        }
      } catch (SdkClientException e) {
        if (attempt >= retry.maxAttempts()) {
          throw e;
        }
      }
      sleep(backoff(attempt));
    }
  }

  static boolean retryable(AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return "Throttling".equals(code)
        || "ThrottlingException".equals(code)
        || "PriorRequestNotComplete".equals(code)
        || "RequestLimitExceeded".equals(code)
        || e.statusCode() >= 500;
  }

  /** Full jitter: uniform in [0, min(cap, base × 2^(attempt-1))]. */
  Duration backoff(int attempt) {
    long ceiling =
        Math.min(retry.cap().toMillis(), retry.base().toMillis() << Math.min(attempt - 1, 20));
    return Duration.ofMillis((long) (random.nextDouble() * (ceiling + 1)));
  }

  /** Waits through the injected {@link Sleeper}; an interrupt ends the operation. */
  void sleep(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Route53", e);
    }
  }
}
