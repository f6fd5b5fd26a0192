package io.metamirror.fleet.region;

import io.metamirror.dns.fleet.HealthCheckSettings;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * Where an instance's health endpoint answers. On AWS, its public address ({@link #PUBLIC}); in
 * tests, a simulation that runs a real node on loopback for each emulated instance ({@link
 * #simulated}), since the emulator's instance addresses belong to nobody and must never get
 * traffic.
 */
@FunctionalInterface
public interface NodeEndpoints {
  /** The health URL of {@code instance}, or {@code null} while it has none (no address yet). */
  URI healthUri(FleetInstance instance);

  /** The public IPv4 (else IPv6) address, the health check's scheme, port and path. */
  static NodeEndpoints publicAddresses(HealthCheckSettings health, int port) {
    return i -> {
      String host = i.ipv4() != null ? i.ipv4() : i.ipv6() != null ? "[" + i.ipv6() + "]" : null;
      return host == null
          ? null
          : URI.create(
              health.type().toLowerCase(Locale.ROOT) + "://" + host + ":" + port + health.path());
    };
  }

  /**
   * SIMULATION ONLY: the health URL of each instance read from {@code file}, a properties file of
   * {@code instance-id=http://127.0.0.1:PORT} written by the test's instance simulation as it
   * starts a real {@code mirror serve} for each instance it sees in the emulator. Read at every
   * call, so instances started later are found. Selected by {@code METAMIRROR_SIMULATED_INSTANCES};
   * never set it outside tests.
   */
  static NodeEndpoints simulated(Path file, String healthPath) {
    return i -> {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      } catch (NoSuchFileException e) {
        return null;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      String base = p.getProperty(i.instanceId());
      return base == null ? null : URI.create(base).resolve(healthPath);
    };
  }
}
