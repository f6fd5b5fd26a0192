package io.metamirror.mirror.node;

import java.util.function.Supplier;

/**
 * Forwards to {@link io.metamirror.testsupport.poll.Polling}, where waiting lives now, for {@link
 * TestNodes} alone: TestNodes is being rewritten on another branch and was left untouched here.
 * Once that lands, it imports the shared class and this one goes.
 */
final class Polling {
  private Polling() {}

  static void await(
      String what,
      io.metamirror.testsupport.poll.Polling.Check condition,
      Supplier<String> lastSeen)
      throws Exception {
    io.metamirror.testsupport.poll.Polling.await(what, condition, lastSeen);
  }
}
