package io.metamirror.fleet.userdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.metamirror.fleet.spec.FleetSpec;
import io.metamirror.fleet.spec.SampleFleet;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserDataTemplateTest {
  @TempDir Path dir;

  String rendered() throws Exception {
    FleetSpec spec = FleetSpec.parse("fleet.yaml", SampleFleet.OPERABLE);
    return UserDataTemplate.node().render(UserDataTemplate.variables(spec.node(), "eu-west-1"));
  }

  @Test
  void theRenderedNodeUserDataPassesCloudInitsSchema() throws Exception {
    assertTrue(
        onPath("cloud-init"),
        "cloud-init is not installed (Debian package cloud-init; scripts/test installs it)");
    Path file = dir.resolve("user-data.yaml");
    Files.writeString(file, rendered());
    Process p =
        new ProcessBuilder("cloud-init", "schema", "--config-file", file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "cloud-init schema did not finish");
    assertEquals(0, p.exitValue(), output);
    assertTrue(output.contains("Valid cloud-config"), output);
  }

  @Test
  void theNodeGetsItsConfigAndAChecksummedInstallButNoSecret() throws Exception {
    String userData = rendered();
    assertTrue(userData.startsWith("#cloud-config\n"), userData);
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(userData);
    JsonNode files = doc.get("write_files");
    JsonNode config =
        new ObjectMapper(new YAMLFactory()).readTree(files.get(0).get("content").asText());
    assertEquals("/etc/metamirror/mirror.yaml", files.get(0).get("path").asText());
    assertEquals("https://origin.example.test", config.get("origin").asText());
    assertEquals("0.0.0.0:443", config.get("listen").asText());
    assertEquals("eu-west-1", config.get("region").asText());
    assertEquals(
        List.of(
            "/usr/local/lib/metamirror/boot-node",
            "https://dl.example.test/metamirror_0.1.0_all.deb",
            SampleFleet.SHA256,
            "eu-west-1",
            "/metamirror/demo/tls-cert",
            "/metamirror/demo/tls-key"),
        new ObjectMapper().convertValue(doc.get("runcmd").get(0), List.class));
    String boot = files.get(1).get("content").asText();
    assertTrue(boot.contains("sha256sum -c -"), boot);
    assertTrue(boot.contains("systemctl enable --now metamirror-mirror.service"), boot);
    // The boot script must be valid sh.
    Path script = dir.resolve("boot-node");
    Files.writeString(script, boot);
    Process sh =
        new ProcessBuilder("sh", "-n", script.toString()).redirectErrorStream(true).start();
    String shOutput = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, sh.waitFor(), shOutput);
    for (Pattern secret :
        List.of(
            Pattern.compile("-----BEGIN"),
            Pattern.compile("PRIVATE KEY"),
            Pattern.compile("AKIA[0-9A-Z]{16}"),
            Pattern.compile("(?i)secret_?access|session_?token|api-token|admin-token"))) {
      assertFalse(secret.matcher(userData).find(), secret + " in user-data:\n" + userData);
    }
  }

  @Test
  void theTemplateUsesExactlyTheVariablesOfANode() throws Exception {
    FleetSpec spec = FleetSpec.parse("fleet.yaml", SampleFleet.OPERABLE);
    assertEquals(
        UserDataTemplate.variables(spec.node(), "eu-west-1").keySet(),
        UserDataTemplate.node().placeholders());
  }

  @Test
  void placeholdersFollowTerraformsSyntaxAndRefuseUnsafeValues() {
    UserDataTemplate t = UserDataTemplate.of("a: \"${a}\"\nb: $${literal}\n");
    assertEquals(Set.of("a"), t.placeholders());
    assertEquals("a: \"x\"\nb: ${literal}\n", t.render(Map.of("a", "x")));
    assertThrows(IllegalArgumentException.class, () -> t.render(Map.of()));
    assertThrows(IllegalArgumentException.class, () -> t.render(Map.of("a", "x", "b", "y")));
    for (String unsafe : List.of("x\"y", "x y", "${b}", "x'y", "x\ny", "")) {
      assertThrows(IllegalArgumentException.class, () -> t.render(Map.of("a", unsafe)), unsafe);
    }
    assertThrows(IllegalArgumentException.class, () -> UserDataTemplate.of("%{ if x }"));
  }

  private static boolean onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }
}
