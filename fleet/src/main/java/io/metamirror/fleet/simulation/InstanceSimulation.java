package io.metamirror.fleet.simulation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.metamirror.fleet.ec2.Ec2Fleet;
import io.metamirror.fleet.region.FleetInstance;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * SIMULATION of what EC2 and cloud-init would do, for tests only, since the AWS emulator runs no
 * instance: it watches the emulator for the fleet's live instances in the given regions and, for
 * each new one, reads the user-data it was launched with, takes the node config that user-data
 * writes ({@code /etc/metamirror/mirror.yaml}) and starts a real {@code metamirror mirror serve}
 * process with it, on loopback and in plain HTTP (the TLS pair would come from SSM; {@code node-id}
 * is the instance id, as the boot script sets it). It records each instance's URL in {@link #file}
 * for the CLI's {@code --simulated-instances}; an instance that leaves gets SIGTERM (it drains), as
 * a shutdown would send it. Traffic goes only to loopback, never to the emulator's instance
 * addresses. Used by the cli's tests and by {@code scripts/fleet-e2e}.
 */
public final class InstanceSimulation implements AutoCloseable {
  private final Ec2Fleet ec2;
  private final List<String> regions;
  private final Path dir;
  private final Path file;
  private final Function<List<String>, ProcessBuilder> metamirror;
  private final Map<String, Process> nodes = new ConcurrentHashMap<>();

  /** The URLs of live instances: what {@link #file} holds. */
  private final Map<String, String> urls = new ConcurrentHashMap<>();

  /** The URL of every node started, terminated ones included: they still answer while draining. */
  private final Map<String, String> started = new ConcurrentHashMap<>();

  private final Set<String> terminated = ConcurrentHashMap.newKeySet();
  private final Thread watcher;
  private volatile boolean stopped;

  /**
   * Starts watching.
   *
   * @param metamirror a process for a metamirror command line (the arguments after {@code
   *     metamirror}): a child JVM in the cli's tests, the project's launcher in the bench
   */
  public InstanceSimulation(
      Ec2Fleet ec2,
      List<String> regions,
      Path dir,
      Function<List<String>, ProcessBuilder> metamirror) {
    this.ec2 = ec2;
    this.regions = List.copyOf(regions);
    this.dir = dir;
    this.file = dir.resolve("simulated-instances.properties");
    this.metamirror = metamirror;
    this.watcher = new Thread(this::watch, "instance-simulation");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** The {@code instance-id=URL} file for {@code --simulated-instances}. */
  public Path file() {
    return file;
  }

  /** Processes started so far, by instance id. */
  public Map<String, Process> nodes() {
    return nodes;
  }

  /**
   * The loopback base URL ({@code http://127.0.0.1:PORT/}) of an instance's node, terminated or not
   * (the node of a terminated instance drains, then nothing listens there); null before it printed
   * one.
   */
  public String url(String instanceId) {
    return started.get(instanceId);
  }

  private void watch() {
    while (!stopped) {
      try {
        for (String region : regions) {
          for (FleetInstance i : ec2.instances(region, w -> {})) {
            if (i.isLive() && !nodes.containsKey(i.instanceId())) {
              start(region, i);
            } else if (!i.isLive()
                && nodes.containsKey(i.instanceId())
                && !terminated.contains(i.instanceId())) {
              terminated.add(i.instanceId());
              urls.remove(i.instanceId());
              publish();
              nodes.get(i.instanceId()).destroy();
            }
          }
        }
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | IOException e) {
        if (!stopped) {
          System.err.println("instance simulation: " + e);
        }
      }
    }
  }

  private void start(String region, FleetInstance i) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode userData = yaml.readTree(ec2.userData(region, i.instanceId()));
    JsonNode mirrorYaml = null;
    for (JsonNode f : userData.get("write_files")) {
      if (f.get("path").asText().equals("/etc/metamirror/mirror.yaml")) {
        mirrorYaml = yaml.readTree(f.get("content").asText());
      }
    }
    ObjectNode config = (ObjectNode) mirrorYaml;
    config.remove(List.of("tls-cert", "tls-key"));
    config.put("listen", "127.0.0.1:0");
    config.put("store", dir.resolve("store-" + i.instanceId()).toString());
    config.put("node-id", i.instanceId());
    config.put("drain-grace", "1");
    Path configFile = dir.resolve("mirror-" + i.instanceId() + ".yaml");
    yaml.writeValue(configFile.toFile(), config);
    Process p =
        metamirror
            .apply(List.of("--config", configFile.toString(), "mirror", "serve"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .start();
    nodes.put(i.instanceId(), p);
    Thread reader = new Thread(() -> follow(i.instanceId(), p), "simulated-" + i.instanceId());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Records the node's URL once it prints it (on its own thread: a node that never comes up holds
   * up no other), then copies the rest of its output to its log, so its pipe never fills.
   */
  private void follow(String instanceId, Process p) {
    Path log = dir.resolve("mirror-" + instanceId + ".log");
    try (BufferedReader out =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        var w = Files.newBufferedWriter(log)) {
      for (String line; (line = out.readLine()) != null; ) {
        // "mirror REGION/NODE serving http://127.0.0.1:PORT/ from … (origin …)"
        int at = line.indexOf(" serving ");
        if (line.startsWith("mirror ") && at >= 0 && !terminated.contains(instanceId)) {
          String url = line.substring(at + 9).split("\\s+")[0];
          started.put(instanceId, url);
          urls.put(instanceId, url);
          publish();
        }
        w.write(line);
        w.newLine();
        w.flush();
      }
    } catch (IOException | UncheckedIOException e) {
      // the process ended
    }
  }

  private synchronized void publish() {
    Properties p = new Properties();
    p.putAll(urls);
    StringWriter w = new StringWriter();
    try {
      p.store(w, null);
      Path tmp = dir.resolve(".simulated-instances.tmp");
      Files.writeString(tmp, w.toString());
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stopped = true;
    watcher.interrupt();
    nodes.values().forEach(Process::destroyForcibly);
  }
}
