package io.metamirror.fleet.spec;

import io.metamirror.dns.fleet.FleetFile;
import io.metamirror.dns.fleet.FleetFileException;
import io.metamirror.dns.fleet.FleetFileParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole fleet file: the DNS manager's part ({@link FleetFile}) and the fleet module's, read in
 * one parse by {@link FleetSettingsReader} (so a problem in either part is reported with the
 * others, each with its line): {@code node:} and every region's {@code launch:}.
 *
 * @param node {@code null} when the file has no {@code node:} (it then only drives DNS)
 * @param launch region → launch settings, for the regions that have them
 */
public record FleetSpec(FleetFile dns, NodeSettings node, Map<String, LaunchSettings> launch) {
  public FleetSpec {
    launch = Map.copyOf(launch);
  }

  /** The node and launch settings read from the same document as the DNS part. */
  record Settings(NodeSettings node, Map<String, LaunchSettings> launch) {}

  public static FleetSpec parse(Path file) throws IOException, FleetFileException {
    return parse(file.toString(), Files.readString(file));
  }

  public static FleetSpec parse(String source, String yaml) throws FleetFileException {
    FleetFileParser.Extended<Settings> e =
        FleetFileParser.parse(source, yaml, new FleetSettingsReader());
    return new FleetSpec(e.fleet(), e.extension().node(), e.extension().launch());
  }

  /**
   * What keeps region operations on {@code region} from starting, checked before any API call;
   * empty when nothing does. Only operations that {@code launch} need node and launch settings.
   */
  public List<String> operationProblems(String region, boolean launches) {
    List<String> problems = new ArrayList<>();
    if (!dns.discoversNodes()) {
      problems.add(
          "region operations need discover: ec2 in the fleet file (DNS follows the instances)");
    } else if (!dns.discoverRegions().contains(region)) {
      problems.add("region " + region + " is not under regions: in the fleet file");
    }
    if (!launches) {
      return problems;
    }
    if (node == null) {
      problems.add("the fleet file has no node: settings (origin, artifact, tls)");
    }
    if (!launch.containsKey(region)) {
      problems.add("region " + region + " has no launch: settings in the fleet file");
    }
    return problems;
  }
}
