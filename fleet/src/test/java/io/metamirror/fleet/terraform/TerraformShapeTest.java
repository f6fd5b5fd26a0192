package io.metamirror.fleet.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.metamirror.dns.fleet.HealthCheckSettings;
import io.metamirror.dns.plan.DesiredState;
import io.metamirror.dns.plan.HealthCheckSpec;
import io.metamirror.fleet.ec2.Ec2Discovery;
import io.metamirror.fleet.ec2.Ec2Fleet;
import io.metamirror.fleet.userdata.UserDataTemplate;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What terraform makes is what the Java side reads and writes: instances tagged as Ec2Fleet tags
 * its launches (so `fleet status` and `discover: ec2` see them), the template's variables, and
 * Route53 records and health checks in the DNS manager's shape.
 */
class TerraformShapeTest {
  @Test
  void instancesCarryTheFleetModulesFourTags() throws Exception {
    TerraformModule m = TerraformModule.load(TerraformTree.MIRROR_REGION);
    Map<String, String> tags = strings(m.locals().get("fleet_tags"));
    assertEquals(
        Map.of(
            Ec2Discovery.FLEET_TAG, "${var.fleet_owner}",
            Ec2Fleet.REGION_TAG, "${local.region}",
            Ec2Fleet.GENERATION_TAG, "${tostring(var.generation)}",
            Ec2Fleet.ROLE_TAG, Ec2Fleet.ROLE),
        tags);
    JsonNode template = m.resourceBlock("aws_launch_template", "node");
    Set<String> tagged = new TreeSet<>();
    template
        .path("tag_specifications")
        .forEach(
            t -> {
              assertEquals("${local.instance_tags}", t.path("tags").asText());
              tagged.add(t.path("resource_type").asText());
            });
    assertEquals(Set.of("instance", "volume"), tagged, "as Ec2Fleet's RunInstances tags");
    assertEquals(
        "${local.instance_tags}", m.resourceBlock("aws_instance", "node").path("tags").asText());
    assertEquals(
        "${merge(var.tags, local.fleet_tags)}",
        m.locals().get("instance_tags").asText(),
        "the four tags win over the user's");
  }

  @Test
  void theModulePassesExactlyTheTemplatesVariables() throws Exception {
    String call =
        TerraformModule.load(TerraformTree.MIRROR_REGION).locals().get("user_data").asText();
    Set<String> passed = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\s*(\\w+)\\s*=").matcher(call);
    while (m.find()) {
      passed.add(m.group(1));
    }
    assertEquals(UserDataTemplate.node().placeholders(), passed);
  }

  @Test
  void dnsRecordsAndHealthChecksHaveTheDnsManagersShape() throws Exception {
    TerraformModule m = TerraformModule.load(TerraformTree.DNS);
    JsonNode check = m.resourceBlock("aws_route53_health_check", "node");
    assertEquals(
        Set.of(
            HealthCheckSpec.TAG_OWNER,
            HealthCheckSpec.TAG_REGION,
            HealthCheckSpec.TAG_NODE,
            "Name"),
        strings(check.path("tags")).keySet());
    assertEquals("${var.owner}", check.path("tags").path(HealthCheckSpec.TAG_OWNER).asText());
    assertEquals(
        "metamirror ${var.owner} ${each.value.region} ${each.value.id}",
        check.path("tags").path("Name").asText(),
        "DesiredState's Name tag");

    // The ownership mark: the provider quotes TXT values, DesiredState writes them quoted.
    String ownership = m.locals().get("ownership").asText().replace("${var.owner}", "demo");
    assertEquals(DesiredState.ownershipValue("demo"), '"' + ownership + '"');

    JsonNode node = m.resourceBlock("aws_route53_record", "node");
    assertEquals("${var.nodes[each.value.node].id}", node.path("set_identifier").asText());
    assertEquals("1", node.path("weighted_routing_policy").get(0).path("weight").asText());
    assertEquals("${var.nodes[each.value.node].region}.${local.name}", node.path("name").asText());
    JsonNode latency = m.resourceBlock("aws_route53_record", "latency");
    assertEquals("${each.value.region}", latency.path("set_identifier").asText());
    JsonNode alias = latency.path("alias").get(0);
    assertEquals("${each.value.region}.${local.name}", alias.path("name").asText());
    assertTrue(alias.path("evaluate_target_health").asBoolean());

    // The health check defaults are the fleet file's.
    HealthCheckSettings d = HealthCheckSettings.defaults();
    String type = m.variables().get("health_check").path("type").asText();
    for (String field :
        new String[] {
          "type = optional(string, \"" + d.type() + "\")",
          "path = optional(string, \"" + d.path() + "\")",
          "port = optional(number, " + d.port() + ")",
          "interval = optional(number, " + d.interval() + ")",
          "failure_threshold = optional(number, " + d.failureThreshold() + ")"
        }) {
      assertTrue(type.replaceAll("\\s+", " ").contains(field), field + " in " + type);
    }
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> out = new TreeMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
