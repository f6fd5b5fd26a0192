package io.metamirror.origin.publishdir;

import io.metamirror.origin.repository.Change;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.PublishResult;
import io.metamirror.origin.repository.TreeFile;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes a {@link DirectoryPlan} straight into an open repository, as one atomic batch: either
 * the whole directory becomes the tree or (on a crash or error) nothing changes.
 */
public final class OfflinePublisher {
  private OfflinePublisher() {}

  public static Map<ContentPath, Sha256> currentTree(OriginRepository repository) {
    Map<ContentPath, Sha256> current = new HashMap<>();
    for (TreeFile f : repository.snapshot().files()) {
      current.put(f.path(), f.sha256());
    }
    return current;
  }

  public static PublishResult publish(OriginRepository repository, DirectoryPlan plan)
      throws IOException {
    List<Change> changes = new ArrayList<>(plan.changes());
    try {
      for (DirectoryPlan.Put put : plan.puts()) {
        try (InputStream in = Files.newInputStream(put.file())) {
          changes.add(Change.put(put.path(), repository.stage(in, put.sha256())));
        }
      }
    } catch (IOException | RuntimeException e) {
      repository.discard(changes);
      throw e;
    }
    for (ContentPath path : plan.deletes()) {
      changes.add(Change.delete(path));
    }
    return repository.publish(changes);
  }
}
