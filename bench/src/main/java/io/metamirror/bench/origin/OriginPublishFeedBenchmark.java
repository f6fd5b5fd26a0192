package io.metamirror.bench.origin;

import io.metamirror.bench.Benchmark;
import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.Options;
import io.metamirror.bench.harness.OriginApi;
import io.metamirror.bench.harness.OriginServer;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.Samples;
import io.metamirror.bench.harness.Stopwatch;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Origin publish + feed: N generated files published through {@code POST /.metamirror/api/batch},
 * one batch at a time, then the whole feed read back, every entry checked.
 *
 * <p>References, same run: the same files copied with {@code rsync -a} into an empty directory and
 * flushed (what publishing costs without metamirror, durably); and nginx serving the exact feed
 * page bodies the origin returned, at the same URLs, read by the same client (what a static web
 * server moving the same bytes costs).
 *
 * <p>Request bodies are built before the publish clock starts, so the figure is the origin's (and
 * the loopback's), not the generator's. The feed is read once with cold JVMs (which saves the pages
 * nginx serves; reported on its own row), once from nginx unmeasured so the client is warm for it
 * too, then in rounds alternating origin and nginx; the median round is reported.
 */
public final class OriginPublishFeedBenchmark implements Benchmark {
  public static final String OPTIONS =
      "[--files 100000] [--batch 1000] [--size 2048] [--limit 10000] [--feed-rounds 3]"
          + " [--seed 42] [--url URL --token-file FILE (an origin already running)]";

  private static final double PUBLISH_TARGET = 5_000; // files/s, from the issue that asked
  private static final double FEED_TARGET = 200_000; // entries/s, likewise

  private final int files;
  private final int batch;
  private final int limit;
  private final int feedRounds;
  private final ComposerLikeFiles tree;
  private final String externalUrl;
  private final String externalTokenFile;

  public OriginPublishFeedBenchmark(Options options) {
    files = options.positive("files", 100_000);
    batch = options.positive("batch", 1_000);
    tree = new ComposerLikeFiles(options.longValue("seed", 42), options.positive("size", 2_048));
    limit = options.positive("limit", 10_000);
    feedRounds = options.positive("feed-rounds", 3);
    externalUrl = options.string("url", null);
    externalTokenFile = options.string("token-file", null);
    if ((externalUrl == null) != (externalTokenFile == null)) {
      throw new IllegalArgumentException("--url and --token-file go together");
    }
  }

  @Override
  public void run(Harness harness) throws Exception {
    OriginApi origin =
        externalUrl != null
            ? new OriginApi(externalUrl, Files.readString(Path.of(externalTokenFile)).trim())
            : OriginServer.start(harness, "origin").api();
    long startHead = origin.head();
    boolean fresh = startHead == 0;
    System.out.printf(
        Locale.ROOT,
        "origin %s  head=%d%s; %d files of ~%d B, batches of %d, feed pages of %d%n",
        origin.url(),
        startHead,
        fresh ? "" : "  (not empty: per-entry checks off, seq checks still on)",
        files,
        tree.size(),
        batch,
        limit);

    // Request bodies before the clock starts.
    Stopwatch generating = Stopwatch.start();
    int[] sizes = new int[files];
    List<byte[]> bodies = new ArrayList<>();
    long bodyBytes = 0;
    for (int from = 0; from < files; from += batch) {
      byte[] body = tree.batchBody(from, Math.min(files, from + batch), sizes, null);
      bodyBytes += body.length;
      bodies.add(body);
    }
    long contentBytes = 0;
    for (int s : sizes) {
      contentBytes += s;
    }
    System.out.printf(
        Locale.ROOT,
        "generated %d files (%.1f MB content, %.1f MB of request bodies) in %.2f s%n",
        files,
        contentBytes / 1e6,
        bodyBytes / 1e6,
        generating.seconds());

    Throughput publish = publish(origin, bodies, startHead);
    bodies = null; // ~280 MB at the default size: not to be collected during the feed reads
    System.gc();
    Throughput rsync = rsyncReference(harness, sizes);

    int[] check = fresh ? sizes : null;
    FeedComparison feed =
        FeedComparison.measure(
            harness, "nginx", origin.url(), limit, feedRounds, check, startHead + files);
    ResultTable results = harness.results();
    results
        .add("publish, POST /api/batch", "files/s", publish.rate(), "rsync -a + sync", rsync.rate())
        .note(target(publish.rate(), PUBLISH_TARGET, "files/s"));
    feed.addRow(results).note(target(feed.origin().rate(), FEED_TARGET, "entries/s"));
    results
        .addWithoutReference("feed, first read (cold JVMs)", "entries/s", feed.cold().rate())
        .note(target(feed.cold().rate(), FEED_TARGET, "entries/s"))
        .note("no cold reference: nginx serves the pages this read saves");
    harness.finish(
        String.format(
            Locale.ROOT,
            "origin publish + feed: %d files of ~%d B, batches of %d, feed pages of %d, %d CPUs",
            files,
            tree.size(),
            batch,
            limit,
            Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Sends the batches one at a time over one keep-alive connection; every answer must be a 200 with
   * one entry per file and the head advanced by the batch's size.
   */
  private Throughput publish(OriginApi origin, List<byte[]> bodies, long startHead)
      throws IOException, InterruptedException {
    Samples latencies = new Samples();
    long expectedHead = startHead;
    Stopwatch clock = Stopwatch.start();
    for (int b = 0; b < bodies.size(); b++) {
      int count = Math.min(batch, files - b * batch);
      Stopwatch one = Stopwatch.start();
      HttpResponse<byte[]> response = origin.postBatch(bodies.get(b));
      latencies.add(one.seconds());
      OriginApi.requireOk(
          response,
          String.format(
              Locale.ROOT, "batch %d (%d files, %,d B body)", b + 1, count, bodies.get(b).length));
      long[] headAndCount = publishAnswer(response.body());
      expectedHead += count;
      if (headAndCount[1] != count || headAndCount[0] != expectedHead) {
        throw new BenchFailure(
            String.format(
                Locale.ROOT,
                "batch %d: origin journaled %d entries up to head %d, expected %d up to %d",
                b + 1,
                headAndCount[1],
                headAndCount[0],
                count,
                expectedHead));
      }
    }
    double seconds = clock.seconds();
    System.out.printf(
        Locale.ROOT,
        "publish  origin: %d files in %.3f s = %,.0f files/s (%d POSTs; per batch %s; first %.0f"
            + " ms)%n",
        files,
        seconds,
        files / seconds,
        bodies.size(),
        latencies.summary(1000, "ms", 50, 90, 100),
        1000 * latencies.get(0));
    return new Throughput(files, seconds);
  }

  /** {head, number of entries} of a publish answer {@code {"head":N,"entries":[...]}}. */
  private static long[] publishAnswer(byte[] body) throws IOException {
    long[] count = {0};
    long head =
        JournalAnswer.read(
            body,
            "publish answer",
            entry -> {
              entry.skipChildren();
              count[0]++;
            });
    return new long[] {head, count[0]};
  }

  /**
   * The same files written to a directory (untimed, and flushed so that their writeback is not
   * billed to rsync), then {@code rsync -a} into an empty directory on the same disk and {@code
   * sync}, timed.
   */
  private Throughput rsyncReference(Harness harness, int[] sizes)
      throws IOException, InterruptedException {
    Path src = harness.workspace().directory("rsync/src");
    Path dst = harness.workspace().directory("rsync/dst");
    double writing = tree.writeTree(src, files, sizes, harness.processes());
    System.out.printf(
        Locale.ROOT, "wrote the same %d files to %s (+ sync) in %.2f s%n", files, src, writing);
    Stopwatch clock = Stopwatch.start();
    harness.processes().run("rsync", "-a", src + "/", dst + "/");
    harness.processes().run("sync");
    double seconds = clock.seconds();
    System.out.printf(
        Locale.ROOT,
        "publish  reference: %d files in %.3f s = %,.0f files/s (rsync -a into an empty directory"
            + " on the same disk, then sync)%n",
        files,
        seconds,
        files / seconds);
    return new Throughput(files, seconds);
  }

  private static String target(double rate, double target, String unit) {
    return String.format(
        Locale.ROOT, "target >= %,.0f %s: %s", target, unit, ResultTable.verdict(rate >= target));
  }
}
