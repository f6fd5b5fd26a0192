package io.metamirror.dns.aws;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * How this process reaches AWS: an optional endpoint override (an emulator such as {@code
 * moto_server} or LocalStack) and credentials. The Route53 client is built only here, with the
 * url-connection HTTP client and without the SDK's own retries: the gateway retries, with a policy
 * tests can see. Module {@code fleet} builds its EC2 clients from the same endpoint and
 * credentials, so both services always talk to the same AWS or the same emulator.
 *
 * @param endpoint {@code null} for real AWS
 */
public record AwsAccess(URI endpoint, Map<String, String> env) {
  public static final String ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL";

  public AwsAccess {
    env = Map.copyOf(env);
  }

  /**
   * The endpoint by precedence: the {@code --aws-endpoint} flag, then the fleet file's {@code
   * awsEndpoint}, then {@code AWS_ENDPOINT_URL}; {@code null} means real AWS.
   */
  public static AwsAccess resolve(URI flag, URI fleetFile, Map<String, String> env) {
    URI endpoint = flag != null ? flag : fleetFile;
    if (endpoint == null) {
      String fromEnv = env.get(ENDPOINT_VARIABLE);
      if (fromEnv != null && !fromEnv.isBlank()) {
        endpoint = URI.create(fromEnv.trim());
      }
    }
    return new AwsAccess(endpoint, env);
  }

  /**
   * With an endpoint override, the credentials are given explicitly (from {@code AWS_ACCESS_KEY_ID}
   * / {@code AWS_SECRET_ACCESS_KEY}, else "testing"), so an emulator run never picks up a real
   * profile; otherwise the SDK's default chain.
   */
  public AwsCredentialsProvider credentials() {
    if (endpoint == null) {
      requireCredentialSource();
      return DefaultCredentialsProvider.builder().build();
    }
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(
            env.getOrDefault("AWS_ACCESS_KEY_ID", "testing"),
            env.getOrDefault("AWS_SECRET_ACCESS_KEY", "testing")));
  }

  /** Environment variables by which the SDK's default chain finds credentials. */
  static final List<String> CREDENTIAL_VARIABLES =
      List.of(
          "AWS_ACCESS_KEY_ID",
          "AWS_PROFILE",
          "AWS_WEB_IDENTITY_TOKEN_FILE",
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
          "AWS_CONTAINER_CREDENTIALS_FULL_URI",
          "AWS_SHARED_CREDENTIALS_FILE",
          "AWS_CONFIG_FILE");

  /**
   * Fails at once, with what to do, when the SDK's default chain has nowhere to find credentials:
   * no credential variable, no {@code ~/.aws/credentials} or {@code ~/.aws/config}, and not on EC2
   * (where the instance profile answers). Otherwise the SDK would try the instance metadata service
   * for many seconds and then print its own trace of every provider it tried.
   */
  void requireCredentialSource() {
    if (CREDENTIAL_VARIABLES.stream().anyMatch(v -> env.get(v) != null && !env.get(v).isBlank())) {
      return;
    }
    Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
    if (Files.exists(home.resolve(".aws/credentials"))
        || Files.exists(home.resolve(".aws/config"))) {
      return;
    }
    if (onEc2()) {
      return;
    }
    throw new IllegalStateException(
        "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or"
            + " run on EC2 with an instance profile (for an emulator: --aws-endpoint URL)");
  }

  /** Whether this machine says it is an EC2 instance (its DMI or hypervisor identity). */
  public static boolean onEc2() {
    try {
      for (String file :
          List.of("/sys/devices/virtual/dmi/id/board_asset_tag", "/sys/hypervisor/uuid")) {
        Path p = Path.of(file);
        if (Files.isReadable(p)) {
          String id = Files.readString(p).strip().toLowerCase(java.util.Locale.ROOT);
          if (id.startsWith("i-") || id.startsWith("ec2")) {
            return true;
          }
        }
      }
      Path vendor = Path.of("/sys/devices/virtual/dmi/id/sys_vendor");
      return Files.isReadable(vendor) && Files.readString(vendor).contains("Amazon EC2");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Route53 is global: its client is always built for {@link Region#AWS_GLOBAL}. */
  public Route53Client route53() {
    var b =
        Route53Client.builder()
            .region(Region.AWS_GLOBAL)
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .credentialsProvider(credentials())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (endpoint != null) {
      b.endpointOverride(endpoint);
    }
    return b.build();
  }

  @Override
  public String toString() {
    return endpoint == null ? "AWS" : endpoint.toString();
  }
}
