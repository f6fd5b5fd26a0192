package io.metamirror.dns.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Keys of the fleet file that the DNS manager does not read but another module does (the {@code
 * fleet} module's launch and node settings), so that one file, one parse and one list of problems
 * cover the whole fleet, and a key nobody reads is still an error. The DNS manager knows only the
 * keys' names, never their meaning.
 *
 * @param <T> what the extension makes of its keys
 */
public interface FleetFileExtension<T> {
  /** Read no extra key. */
  FleetFileExtension<Void> NONE =
      new FleetFileExtension<>() {
        @Override
        public Set<String> topLevelKeys() {
          return Set.of();
        }

        @Override
        public Set<String> regionKeys() {
          return Set.of();
        }

        @Override
        public Void read(JsonNode root, FleetFileFields fields) {
          return null;
        }
      };

  /** Top-level keys it reads, beside the DNS manager's ({@code owner}, {@code regions}, ...). */
  Set<String> topLevelKeys();

  /** Keys of a region's mapping ({@code regions.eu-west-1.KEY}) it reads, beside {@code nodes}. */
  Set<String> regionKeys();

  /**
   * Reads its keys from the whole document and reports every problem to {@code fields}; called
   * once, after the DNS manager's keys, whether or not they had problems.
   */
  T read(JsonNode root, FleetFileFields fields);
}
