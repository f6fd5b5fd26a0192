package io.metamirror.cli.composer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What a reader found: the version documents it could read and one warning for everything it had to
 * skip, each naming the tag, branch or file and the problem. Both lists are in a deterministic
 * order, so two reads of the same input compare equal.
 *
 * <pre>{@code
 * ScanResult result = GitScanner.defaults().scan(Path.of("/srv/git/foo.git"));
 * result.documents(); // [{"name":"acme/foo","version":"v1.0.0",...}, ...]
 * result.warnings();  // ["tag v0.9.0: composer.json is not valid JSON (...)"]
 * }</pre>
 */
public record ScanResult(List<ObjectNode> documents, List<String> warnings) {
  public ScanResult {
    documents = List.copyOf(documents);
    warnings = List.copyOf(warnings);
  }
}
