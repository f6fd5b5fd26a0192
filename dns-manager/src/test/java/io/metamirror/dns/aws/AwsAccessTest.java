package io.metamirror.dns.aws;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real AWS without any credential source fails at once with what to do, before the SDK would try
 * the instance metadata service; nothing here talks to AWS or to the metadata address.
 */
class AwsAccessTest {
  @TempDir Path home;

  @Test
  void withoutAnyCredentialSourceRealAwsFailsAtOnceSayingWhatToSet() {
    assumeFalse(AwsAccess.onEc2(), "on EC2 the instance profile is a credential source");
    AwsAccess aws = new AwsAccess(null, Map.of("HOME", home.toString()));

    IllegalStateException e = assertThrows(IllegalStateException.class, aws::credentials);

    assertEquals(
        "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or"
            + " run on EC2 with an instance profile (for an emulator: --aws-endpoint URL)",
        e.getMessage());
  }

  @Test
  void aCredentialVariableOrAnAwsDirectoryIsASource() throws Exception {
    Map<String, String> profile = Map.of("HOME", home.toString(), "AWS_PROFILE", "ops");
    assertDoesNotThrow(() -> new AwsAccess(null, profile).credentials());

    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws/credentials"), "[default]\n");
    assertDoesNotThrow(() -> new AwsAccess(null, Map.of("HOME", home.toString())).credentials());
  }

  @Test
  void anEmulatorNeedsNoCredentials() {
    AwsAccess emulator =
        new AwsAccess(URI.create("http://127.0.0.1:1/"), Map.of("HOME", home.toString()));

    assertEquals("testing", emulator.credentials().resolveCredentials().accessKeyId());
  }
}
