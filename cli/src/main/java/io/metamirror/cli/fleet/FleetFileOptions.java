package io.metamirror.cli.fleet;

import io.metamirror.cli.ExitCodes;
import io.metamirror.dns.aws.AwsAccess;
import io.metamirror.dns.fleet.FleetFileException;
import io.metamirror.fleet.spec.FleetSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code --fleet} and {@code --aws-endpoint}, shared by the {@code dns}, {@code region} and {@code
 * fleet} commands: every one reads the whole fleet file, so each checks all of it.
 */
@Command
public final class FleetFileOptions {
  @Option(
      names = "--fleet",
      paramLabel = "FILE",
      description = "The fleet file (YAML; schema in the README) (required).")
  Path fleet;

  @Option(
      names = "--aws-endpoint",
      paramLabel = "URL",
      description =
          "AWS API endpoint (moto_server, LocalStack); wins over the fleet file's awsEndpoint and"
              + " AWS_ENDPOINT_URL. Without any: real AWS.")
  URI awsEndpoint;

  /** The fleet file, every problem of it reported at once as one user error. */
  public FleetSpec read() {
    if (fleet == null) {
      throw new ExitCodes.UsageError("missing --fleet FILE (the fleet file; see --help)");
    }
    if (!Files.isRegularFile(fleet)) {
      throw new ExitCodes.UserError("fleet file not found: " + fleet);
    }
    try {
      return FleetSpec.parse(fleet);
    } catch (FleetFileException e) {
      throw new ExitCodes.UserError(e.getMessage());
    } catch (IOException e) {
      throw new ExitCodes.UserError("cannot read fleet file " + fleet + ": " + e.getMessage());
    }
  }

  /** {@code --aws-endpoint}, or {@code null}. */
  public URI awsEndpoint() {
    return awsEndpoint;
  }

  public AwsAccess aws(FleetSpec spec, Map<String, String> env) {
    return AwsAccess.resolve(awsEndpoint, spec.dns().awsEndpoint(), env);
  }
}
