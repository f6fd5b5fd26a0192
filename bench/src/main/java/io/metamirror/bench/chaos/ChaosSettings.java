package io.metamirror.bench.chaos;

import java.time.Duration;

/**
 * The size of a chaos run. {@link #SHORT} is what CI runs (every fault once, small counts; under 3
 * minutes on 2 shared cores); {@link #FULL} repeats every fault, each on another node, with longer
 * outages and more load.
 *
 * @param rounds how many times the whole sequence of faults runs
 * @param hold how long a fault lasts (a node or the origin down, the origin hung, a damaged file)
 * @param oneWay the delay each proxy adds in each direction between a node and the origin
 * @param readers client threads reading through the nodes
 * @param readsPerSecond the most GETs one reader sends a second
 * @param publishEvery the pause between two publishes of the background publisher
 * @param initialFiles files published before the nodes start
 * @param burst publishes sent back to back by the burst (by {@code burstThreads} threads)
 * @param readAfterPublish tries of the read-right-after-publish loop
 */
record ChaosSettings(
    String name,
    int rounds,
    Duration hold,
    Duration oneWay,
    int readers,
    int readsPerSecond,
    Duration publishEvery,
    int initialFiles,
    int burst,
    int burstThreads,
    int readAfterPublish) {
  static final ChaosSettings SHORT =
      new ChaosSettings(
          "short",
          1,
          Duration.ofSeconds(3),
          Duration.ofMillis(5),
          3,
          20,
          Duration.ofMillis(200),
          100,
          200,
          4,
          60);
  static final ChaosSettings FULL =
      new ChaosSettings(
          "full",
          3,
          Duration.ofSeconds(10),
          Duration.ofMillis(15),
          4,
          40,
          Duration.ofMillis(100),
          500,
          1_000,
          4,
          300);

  /** How long the nodes get to catch up after a fault before the run counts them behind. */
  static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(60);

  static final int NODES = 3;

  String describe() {
    return String.format(
        "%s: %d node(s) behind %d ms proxies, %d round(s) of faults held %d s, %d readers at <= %d"
            + " GET/s each, a publish every %d ms, bursts of %d, %d read-after-publish tries",
        name,
        NODES,
        oneWay.toMillis(),
        rounds,
        hold.toSeconds(),
        readers,
        readsPerSecond,
        publishEvery.toMillis(),
        burst,
        readAfterPublish);
  }
}
