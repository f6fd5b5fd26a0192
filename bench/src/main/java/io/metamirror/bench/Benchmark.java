package io.metamirror.bench;

import io.metamirror.bench.harness.Harness;

/**
 * One benchmark: constructed from its options (reading each with its default), then run on a {@link
 * Harness}, adding its rows to the harness's table and ending with {@link Harness#finish}.
 */
public interface Benchmark {
  void run(Harness harness) throws Exception;
}
