package io.metamirror.dns.fleet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a fleet file and validates all of it, so one run reports every problem, each with its line
 * and field:
 *
 * <pre>
 * owner: demo                      # required; [a-z0-9-], names this fleet's records and checks
 * zone: example.test.              # hosted zone name, or
 * zoneId: Z0123456789ABC           # its id (either one, or both)
 * name: repo.example.test.         # required; the name clients resolve, inside the zone
 * ttl: 60                          # 0..60 (health-checked records, DESIGN §7); default 60
 * awsEndpoint: http://127.0.0.1:5000   # optional; see the README for the precedence
 * healthCheck: {type: HTTPS, path: /.metamirror/health, port: 443, interval: 30, failureThreshold: 3}
 * regions:
 *   eu-west-1:
 *     nodes:
 *       - {id: eu1, ipv4: 203.0.113.10, ipv6: 2001:db8::10}
 * discover: ec2                    # optional: also nodes of running instances tagged
 *                                  # metamirror:fleet=OWNER in every region listed under regions
 *                                  # (then a list is enough: regions: [eu-west-1, us-east-1])
 * </pre>
 */
public final class FleetFileParser {
  private static final Set<String> TOP_KEYS =
      Set.of(
          "owner",
          "zone",
          "zoneId",
          "name",
          "ttl",
          "awsEndpoint",
          "healthCheck",
          "regions",
          "discover");
  private static final Set<String> HEALTH_KEYS =
      Set.of("type", "path", "port", "interval", "failureThreshold");
  private static final Set<String> NODE_KEYS = Set.of("id", "ipv4", "ipv6");
  private static final Pattern OWNER = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  // SetIdentifier rules (1–128, never '/') are checked again by the planner for discovered nodes.
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
  private static final Pattern DNS_NAME =
      Pattern.compile("([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.)+");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

  private FleetFileParser() {}

  /** A fleet file and what an extension read from the same document. */
  public record Extended<T>(FleetFile fleet, T extension) {}

  public static FleetFile parse(Path file) throws IOException, FleetFileException {
    return parse(file.toString(), Files.readString(file));
  }

  /** Parses {@code yaml}; {@code source} names it in messages. */
  public static FleetFile parse(String source, String yaml) throws FleetFileException {
    return parse(source, yaml, FleetFileExtension.NONE).fleet();
  }

  /**
   * Parses {@code yaml} with the keys {@code extension} reads; every problem of both parts is
   * reported at once.
   */
  public static <T> Extended<T> parse(String source, String yaml, FleetFileExtension<T> extension)
      throws FleetFileException {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    JsonNode root;
    Map<String, Integer> lines = new HashMap<>();
    try {
      root = mapper.readTree(yaml);
      indexLines(mapper, yaml, lines);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      throw new FleetFileException(
          source,
          List.of(
              (line > 0 ? "line " + line + ": " : "")
                  + "not valid YAML: "
                  + e.getOriginalMessage().lines().findFirst().orElse("")));
    }
    if (root == null || !root.isObject()) {
      throw new FleetFileException(source, List.of("must be a YAML mapping (owner:, zone:, ...)"));
    }
    return new Reader<>(source, root, lines, extension).read();
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  /** JSON pointer of every value → its line, so later checks can say where. */
  private static void indexLines(ObjectMapper mapper, String yaml, Map<String, Integer> lines)
      throws JsonProcessingException {
    try (JsonParser p = mapper.getFactory().createParser(yaml)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME) {
          // A key's own line, so that a problem with a block mapping names the key's line, not
          // its first child's.
          lines.putIfAbsent(
              p.getParsingContext().pathAsPointer().toString(),
              p.currentTokenLocation().getLineNr());
          continue;
        }
        JsonPointer at = p.getParsingContext().pathAsPointer();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          at =
              p.getParsingContext().getParent() == null
                  ? JsonPointer.empty()
                  : p.getParsingContext().getParent().pathAsPointer();
        }
        lines.putIfAbsent(at.toString(), p.currentTokenLocation().getLineNr());
      }
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("reading a string failed", e);
    }
  }

  private static final class Reader<T> {
    private final String source;
    private final JsonNode root;
    private final FleetFileExtension<T> extension;
    private final FleetFileFields fields;

    Reader(
        String source, JsonNode root, Map<String, Integer> lines, FleetFileExtension<T> extension) {
      this.source = source;
      this.root = root;
      this.extension = extension;
      this.fields = new FleetFileFields(lines);
    }

    Extended<T> read() throws FleetFileException {
      fields.unknownKeys(root, "", union(TOP_KEYS, extension.topLevelKeys()));
      String owner = fields.text(root, "", "owner", true);
      if (owner != null && !OWNER.matcher(owner).matches()) {
        fields.problem("/owner", "must match [a-z0-9][a-z0-9-]{0,31}, got \"" + owner + "\"");
      }
      String zoneName = dnsName(root, "zone", false);
      String zoneId = fields.text(root, "", "zoneId", false);
      if (zoneId != null) {
        zoneId = zoneId.replaceFirst("^/?hostedzone/", "");
        if (!zoneId.matches("[A-Z0-9]{1,32}")) {
          fields.problem("/zoneId", "not a hosted zone id (Z...): \"" + zoneId + "\"");
        }
      }
      if (zoneName == null && zoneId == null && !root.has("zone")) {
        fields.problem("", "zone (the hosted zone's name) or zoneId is required");
      }
      String name = dnsName(root, "name", true);
      if (name != null
          && zoneName != null
          && !(name.equals(zoneName) || name.endsWith("." + zoneName))) {
        fields.problem("/name", name + " is not inside zone " + zoneName);
      }
      long ttl = 60;
      if (root.has("ttl")) {
        JsonNode t = root.get("ttl");
        if (!t.canConvertToLong() || !t.isIntegralNumber()) {
          fields.problem("/ttl", "must be a whole number of seconds, got " + t);
        } else if (t.asLong() < 0 || t.asLong() > 60) {
          fields.problem(
              "/ttl",
              "must be 0..60: records with health checks should expire within a minute (DESIGN §7),"
                  + " got "
                  + t.asLong());
        } else {
          ttl = t.asLong();
        }
      }
      URI endpoint = null;
      String endpointText = fields.text(root, "", "awsEndpoint", false);
      if (endpointText != null) {
        try {
          endpoint = new URI(endpointText);
          if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
              || endpoint.getHost() == null) {
            fields.problem(
                "/awsEndpoint", "must be an http:// or https:// URL, got " + endpointText);
            endpoint = null;
          }
        } catch (URISyntaxException e) {
          fields.problem("/awsEndpoint", "not a URL: " + e.getMessage());
        }
      }
      HealthCheckSettings health = healthCheck();
      boolean discover = false;
      if (root.has("discover")) {
        JsonNode d = root.get("discover");
        if (d.isTextual() && d.asText().equals("ec2")) {
          discover = true;
        } else {
          fields.problem("/discover", "the only discovery is \"ec2\", got " + d);
        }
      }
      Map<String, List<Node>> nodes = new LinkedHashMap<>();
      List<String> regions = regions(discover, nodes);
      T extra = extension.read(root, fields);
      if (!fields.problems().isEmpty()) {
        throw new FleetFileException(source, fields.problems());
      }
      FleetFile file =
          new FleetFile(
              owner,
              zoneName,
              zoneId,
              name,
              ttl,
              health,
              endpoint,
              nodes,
              discover ? List.copyOf(regions) : List.of());
      return new Extended<>(file, extra);
    }

    private HealthCheckSettings healthCheck() {
      HealthCheckSettings d = HealthCheckSettings.defaults();
      JsonNode h = root.get("healthCheck");
      if (h == null || h.isNull()) {
        return d;
      }
      if (!h.isObject()) {
        fields.problem(
            "/healthCheck", "must be a mapping {path, port, interval, failureThreshold}");
        return d;
      }
      fields.unknownKeys(h, "/healthCheck", HEALTH_KEYS);
      String type = fields.text(h, "/healthCheck", "type", false);
      if (type == null) {
        type = d.type();
      } else {
        type = type.toUpperCase(Locale.ROOT);
        if (!type.equals("HTTPS") && !type.equals("HTTP")) {
          fields.problem("/healthCheck/type", "must be HTTPS or HTTP, got " + type);
        }
      }
      String path = fields.text(h, "/healthCheck", "path", false);
      if (path == null) {
        path = d.path();
      } else if (!path.startsWith("/") || path.length() > 255) {
        fields.problem(
            "/healthCheck/path", "must start with / and be at most 255 characters: " + path);
      }
      int port = fields.integer(h, "/healthCheck", "port", d.port(), 1, 65535);
      int interval = fields.integer(h, "/healthCheck", "interval", d.interval(), 10, 30);
      if (interval != 10 && interval != 30) {
        fields.problem(
            "/healthCheck/interval", "Route53 checks every 10 or 30 seconds, got " + interval);
      }
      int threshold =
          fields.integer(h, "/healthCheck", "failureThreshold", d.failureThreshold(), 1, 10);
      return new HealthCheckSettings(type, path, port, interval, threshold);
    }

    private List<String> regions(boolean discover, Map<String, List<Node>> out) {
      List<String> regions = new ArrayList<>();
      JsonNode r = root.get("regions");
      if (r == null || r.isNull()) {
        fields.problem(
            "", discover ? "regions (the regions to scan) is required" : "regions is required");
        return regions;
      }
      if (r.isArray()) {
        if (!discover) {
          fields.problem(
              "/regions", "a list of region names needs discover: ec2; list nodes per region");
        }
        for (int i = 0; i < r.size(); i++) {
          String region = r.get(i).asText();
          if (!REGION.matcher(region).matches()) {
            fields.problem("/regions/" + i, "not an AWS region name: \"" + region + "\"");
          } else {
            regions.add(region);
          }
        }
        return regions;
      }
      if (!r.isObject()) {
        fields.problem("/regions", "must be a mapping of region: {nodes: [...]}");
        return regions;
      }
      Set<String> ids = new HashSet<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String region = e.getKey();
        String at = "/regions/" + region;
        if (!REGION.matcher(region).matches()) {
          fields.problem(at, "not an AWS region name: \"" + region + "\"");
          continue;
        }
        regions.add(region);
        JsonNode body = e.getValue();
        if (body != null && body.isObject()) {
          fields.unknownKeys(body, at, union(Set.of("nodes"), extension.regionKeys()));
        }
        if (body == null || body.isNull() || (body.isObject() && !body.has("nodes"))) {
          if (!discover) {
            fields.problem(at, "has no nodes");
          }
          continue;
        }
        if (!body.isObject()) {
          fields.problem(at, "must be a mapping {nodes: [...]}");
          continue;
        }
        JsonNode list = body.get("nodes");
        if (!list.isArray() || (list.isEmpty() && !discover)) {
          fields.problem(at + "/nodes", "must be a non-empty list of {id, ipv4, ipv6}");
          continue;
        }
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          Node node = node(list.get(i), at + "/nodes/" + i, region, ids);
          if (node != null) {
            nodes.add(node);
          }
        }
        out.put(region, List.copyOf(nodes));
      }
      return regions;
    }

    private Node node(JsonNode n, String at, String region, Set<String> ids) {
      if (!n.isObject()) {
        fields.problem(at, "must be a mapping {id, ipv4, ipv6}");
        return null;
      }
      int before = fields.count();
      fields.unknownKeys(n, at, NODE_KEYS);
      String id = fields.text(n, at, "id", true);
      if (id != null && !NODE_ID.matcher(id).matches()) {
        fields.problem(
            at + "/id",
            "must be 1-63 of [A-Za-z0-9._-] (it is the records' SetIdentifier), got \""
                + id
                + "\"");
      } else if (id != null && !ids.add(id)) {
        fields.problem(at + "/id", "duplicate node id \"" + id + "\"");
      }
      String v4 = fields.text(n, at, "ipv4", false);
      if (v4 != null && !IPV4.matcher(v4).matches()) {
        fields.problem(at + "/ipv4", "not an IPv4 address: \"" + v4 + "\"");
      }
      String v6 = fields.text(n, at, "ipv6", false);
      if (v6 != null) {
        v6 = v6.toLowerCase(Locale.ROOT);
        if (!isIpv6(v6)) {
          fields.problem(at + "/ipv6", "not an IPv6 address: \"" + v6 + "\"");
        }
      }
      if (v4 == null && v6 == null && !n.has("ipv4") && !n.has("ipv6")) {
        fields.problem(at, "needs ipv4 or ipv6");
      }
      return !fields.reportedSince(before) ? new Node(id, region, v4, v6) : null;
    }

    private static boolean isIpv6(String s) {
      if (!s.contains(":") || !IPV6_CHARS.matcher(s).matches()) {
        return false;
      }
      try {
        // A literal with ':' never goes to DNS.
        return InetAddress.getByName(s) instanceof Inet6Address;
      } catch (UnknownHostException e) {
        return false;
      }
    }

    private String dnsName(JsonNode obj, String key, boolean required) {
      String v = fields.text(obj, "", key, required);
      if (v == null) {
        return null;
      }
      String name = v.toLowerCase(Locale.ROOT);
      if (!name.endsWith(".")) {
        name = name + ".";
      }
      if (!DNS_NAME.matcher(name).matches() || name.length() > 254) {
        fields.problem("/" + key, "not a DNS name: \"" + v + "\"");
        return null;
      }
      return name;
    }
  }
}
