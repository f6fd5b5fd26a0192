package io.metamirror.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metamirror.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up row names what the origin started from: read from a real published directory. */
class OriginDataShapeTest {
  @TempDir Path work;

  @Test
  void aDirectoryPublishedOfflineHoldsAJournalOfEveryFileAndACheckpointAtItsHead()
      throws Exception {
    Path tree = Files.createDirectories(work.resolve("tree/p2/acme"));
    for (String name : new String[] {"a.json", "b.json", "c.json"}) {
      Files.writeString(tree.resolve(name), "{\"name\":\"" + name + "\"}");
    }
    Path data = work.resolve("data");
    int exit =
        Main.commandLine(Map.of(), "origin", "publish-dir")
            .execute("origin", "publish-dir", "--data", data.toString(), work.resolve("tree") + "");
    assertEquals(0, exit, "publish-dir exit status");

    OriginDataShape shape = OriginDataShape.of(data);

    assertEquals(new OriginDataShape(3, 3), shape);
    assertEquals("3-entry journal, checkpoint at seq 3", shape.describe());
  }

  @Test
  void anEmptyDataDirectoryHasNeitherJournalNorCheckpoint() throws Exception {
    OriginDataShape shape = OriginDataShape.of(Files.createDirectories(work.resolve("empty")));

    assertEquals("0-entry journal, no checkpoint", shape.describe());
  }
}
