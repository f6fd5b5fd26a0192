package io.metamirror.cli.region;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.metamirror.cli.MetamirrorCommand;
import io.metamirror.fleet.spec.NodeSettings;
import io.metamirror.fleet.userdata.UserDataTemplate;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The node config that user-data writes ({@code /etc/metamirror/mirror.yaml}) is read as option
 * defaults of {@code mirror serve} (ConfigDefaults): every key must be one of its options, or the
 * node would silently run without it.
 */
class NodeUserDataOptionsTest {
  @Test
  void everyKeyOfTheNodeConfigIsAnOptionOfMirrorServe() throws Exception {
    NodeSettings node =
        new NodeSettings(
            URI.create("https://origin.example.test"),
            443,
            URI.create("https://dl.example.test/m.deb"),
            "0".repeat(64),
            "/c",
            "/k");
    String userData = UserDataTemplate.node().render(UserDataTemplate.variables(node, "eu-west-1"));
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode config =
        yaml.readTree(yaml.readTree(userData).get("write_files").get(0).get("content").asText());
    CommandLine serve =
        new CommandLine(new MetamirrorCommand())
            .getSubcommands()
            .get("mirror")
            .getSubcommands()
            .get("serve");
    assertNotNull(serve);
    List<String> keys = new ArrayList<>();
    config.fieldNames().forEachRemaining(keys::add);
    assertTrue(keys.contains("origin") && keys.contains("tls-key"), keys.toString());
    for (String key : keys) {
      assertNotNull(
          serve.getCommandSpec().findOption("--" + key),
          "mirror.yaml key " + key + " is not an option of mirror serve");
    }
  }
}
