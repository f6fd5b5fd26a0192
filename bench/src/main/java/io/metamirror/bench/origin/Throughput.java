package io.metamirror.bench.origin;

/** {@code count} files or entries moved in {@code seconds}. */
public record Throughput(long count, double seconds) {
  public double rate() {
    return count / seconds;
  }
}
