package io.metamirror.cli.region;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.metamirror.cli.Main;
import io.metamirror.fleet.ec2.Ec2Fleet;
import io.metamirror.fleet.region.FleetInstance;
import io.metamirror.testsupport.process.ChildJvm;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * SIMULATION of what EC2 and cloud-init would do, since the emulator runs no instance: it watches
 * the emulator for the fleet's live instances and, for each new one, reads the user-data it was
 * launched with, takes the node config that user-data writes ({@code /etc/metamirror/mirror.yaml})
 * and starts a real {@code metamirror mirror serve} process with it, on loopback and in plain HTTP
 * (the TLS pair would come from SSM; {@code node-id} is the instance id, as the boot script sets
 * it). It records each instance's URL in {@link #file} for {@code --simulated-instances}; an
 * instance that leaves gets SIGTERM (it drains), as a shutdown would send it. Traffic goes only to
 * loopback, never to the emulator's instance addresses.
 */
final class InstanceSimulation implements AutoCloseable {
  private final Ec2Fleet ec2;
  private final String region;
  private final Path dir;
  private final Path file;
  private final Map<String, Process> nodes = new ConcurrentHashMap<>();
  private final Map<String, String> urls = new ConcurrentHashMap<>();
  private final Thread watcher;
  private volatile boolean stopped;

  InstanceSimulation(Ec2Fleet ec2, String region, Path dir) {
    this.ec2 = ec2;
    this.region = region;
    this.dir = dir;
    this.file = dir.resolve("simulated-instances.properties");
    this.watcher = new Thread(this::watch, "instance-simulation");
    watcher.setDaemon(true);
    watcher.start();
  }

  Path file() {
    return file;
  }

  /** Processes started so far, by instance id. */
  Map<String, Process> nodes() {
    return nodes;
  }

  private void watch() {
    while (!stopped) {
      try {
        List<FleetInstance> seen = ec2.instances(region, w -> {});
        for (FleetInstance i : seen) {
          if (i.isLive() && !nodes.containsKey(i.instanceId())) {
            start(i);
          } else if (!i.isLive() && nodes.containsKey(i.instanceId())) {
            nodes.get(i.instanceId()).destroy();
            urls.remove(i.instanceId());
            publish();
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

  private void start(FleetInstance i) throws IOException {
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
        ChildJvm.command(
                Main.class, List.of(), "--config", configFile.toString(), "mirror", "serve")
            .start();
    nodes.put(i.instanceId(), p);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      // "mirror REGION/NODE serving http://127.0.0.1:PORT/ from … (origin …)"
      int at = line.indexOf(" serving ");
      if (line.startsWith("mirror ") && at >= 0) {
        urls.put(i.instanceId(), line.substring(at + 9).split("\\s+")[0]);
        publish();
        drain(out);
        return;
      }
    }
    throw new IOException("mirror serve for " + i.instanceId() + " printed no URL");
  }

  private static void drain(BufferedReader out) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {}
              } catch (IOException ignored) {
                // the process ended
              }
            });
    t.setDaemon(true);
    t.start();
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
