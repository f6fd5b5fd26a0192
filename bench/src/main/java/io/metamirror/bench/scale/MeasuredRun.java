package io.metamirror.bench.scale;

import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.PeakRss;
import io.metamirror.bench.harness.Stopwatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One process run to its end: its wall time, the peak resident memory of it with every process it
 * started, and the peak of the processes that served it meanwhile (the origin, the rsync daemon).
 *
 * @param alongsideMb the peak of the {@code alongside} processes (and theirs), 0 when none
 */
record MeasuredRun(double seconds, double peakMb, double alongsideMb) {

  /**
   * Runs {@code command} (output to {@code NAME.log} in the workspace), failing on a non-zero exit.
   */
  static MeasuredRun of(
      Harness harness,
      String name,
      List<String> command,
      Map<String, String> environment,
      ProcessHandle... alongside)
      throws IOException, InterruptedException {
    Path log = harness.workspace().file(name + ".log");
    PeakRss served = PeakRss.withDescendants(alongside);
    Stopwatch clock = Stopwatch.start();
    Process p = harness.processes().start(command, environment, log);
    PeakRss own = PeakRss.withDescendants(p.toHandle());
    try {
      harness.processes().await(p, command, log);
    } finally {
      own.stop();
      served.stop();
    }
    return new MeasuredRun(clock.seconds(), own.maxMb(), served.maxMb());
  }

  /**
   * {@code sh -c SCRIPT sh ARGS...}: a reference made of several tools (rsync, then a flush), timed
   * and measured as one.
   */
  static MeasuredRun shell(Harness harness, String name, String script, Object... args)
      throws IOException, InterruptedException {
    return shellAlongside(harness, name, script, new ProcessHandle[0], args);
  }

  /** {@link #shell} with processes measured alongside (the rsync daemon). */
  static MeasuredRun shellAlongside(
      Harness harness, String name, String script, ProcessHandle[] alongside, Object... args)
      throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("sh", "-c", script, "sh"));
    for (Object a : args) {
      command.add(a.toString());
    }
    return of(harness, name, command, Map.of(), alongside);
  }

  double filesPerSecond(int files) {
    return files / seconds;
  }
}
