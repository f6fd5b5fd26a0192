package io.metamirror.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command to its end and keeps what it printed: the tools an operator would run. */
final class Commands {
  /** Longer than any of these commands needs; only a hang reaches it. */
  private static final long HANG_GUARD_SECONDS = 300;

  private Commands() {}

  record Result(List<String> command, int exit, String out, String err) {
    @Override
    public String toString() {
      return String.join(" ", command)
          + ": exit "
          + exit
          + "\n--- out:\n"
          + out
          + "--- err:\n"
          + err;
    }
  }

  static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().close();
    CompletableFuture<String> out = readAll(p.getInputStream());
    CompletableFuture<String> err = readAll(p.getErrorStream());
    if (!p.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish");
    }
    return new Result(command, p.exitValue(), out.join(), err.join());
  }

  /** Runs {@code command}, which must exit 0; returns its standard output. */
  static String check(List<String> command) throws IOException, InterruptedException {
    Result r = run(command);
    if (r.exit() != 0) {
      throw new AssertionError(r.toString());
    }
    return r.out();
  }

  private static CompletableFuture<String> readAll(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
          }
        });
  }
}
