package io.metamirror.bench.origin;

/** {@code count} files or entries moved in {@code seconds}. */
record Throughput(long count, double seconds) {
  double rate() {
    return count / seconds;
  }
}
