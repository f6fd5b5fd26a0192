package io.metamirror.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metamirror.cli.publish.RemotePublisher;
import io.metamirror.cli.sync.Progress;
import io.metamirror.testsupport.origin.TestOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code metamirror publish} of a large directory tells a user who is not on a terminal. */
class PublishProgressTest {
  @TempDir Path temp;

  @Test
  void aMultiBatchPublishOffATerminalLogsOneLinePerBatchWithTheChangesSentSoFar() throws Exception {
    Path src = Files.createDirectory(temp.resolve("src"));
    Files.createDirectories(src.resolve("dist"));
    for (int i = 0; i < 2100; i++) {
      Files.writeString(src.resolve("dist").resolve("f" + i + ".txt"), "file " + i);
    }
    Files.writeString(src.resolve("packages.json"), "{}");
    Path token = Files.writeString(temp.resolve("token"), TestOrigin.TOKEN + "\n");
    try (TestOrigin origin = TestOrigin.start(temp.resolve("origin"))) {
      Run run =
          Run.run(
              "publish",
              "--origin",
              origin.uri().toString(),
              "--token-file",
              token.toString(),
              src.toString());

      assertEquals(0, run.exit(), run.toString());
      // 1000 plain files per batch, then the index file alone: the index goes last. The head
      // moves by one per change.
      assertEquals(
          List.of(
              "event=batch_sent batch=1/4 changes=1000 sent=1000/2101 head=1000",
              "event=batch_sent batch=2/4 changes=1000 sent=2000/2101 head=2000",
              "event=batch_sent batch=3/4 changes=100 sent=2100/2101 head=2100",
              "event=batch_sent batch=4/4 changes=1 sent=2101/2101 head=2101"),
          run.errLines());
      assertEquals(2101, origin.repository().head());
    }
  }

  @Test
  void onATerminalTheBarCountsChangesSentAndNamesTheBatch() {
    assertEquals(
        new Progress.Count("publishing batch 2/4", 2000, 2101, "changes"),
        PublishCommand.count(new RemotePublisher.BatchSent(2, 4, 1000, 2000, 2101, 2)));
  }
}
