package io.metamirror.mirror.node;

import io.metamirror.protocol.ContentPath;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Cache-Control} by path pattern: the first rule whose glob matches wins. Defaults suit
 * metadata: roots and indexes are revalidated often (clients send If-Modified-Since, answered with
 * 304), everything else a little less often.
 */
public final class CachePolicy {
  /** A glob and the Cache-Control value for paths it matches. */
  public record Rule(String glob, String value) {}

  public static final List<Rule> DEFAULT_RULES =
      List.of(
          new Rule("packages.json", "public, max-age=60"),
          new Rule("**/index.html", "public, max-age=60"),
          new Rule("index.html", "public, max-age=60"),
          new Rule("**/index.json", "public, max-age=60"),
          new Rule("index.json", "public, max-age=60"),
          new Rule("**", "public, max-age=300"),
          new Rule("*", "public, max-age=300"));

  private final List<Rule> rules;
  private final List<PathMatcher> matchers = new ArrayList<>();

  public CachePolicy(List<Rule> rules) {
    this.rules = List.copyOf(rules);
    for (Rule r : rules) {
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + r.glob()));
    }
  }

  /** Parses {@code GLOB=VALUE}, as given to {@code --cache-control}. */
  public static Rule parseRule(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0 || eq == text.length() - 1) {
      throw new IllegalArgumentException("expected GLOB=CACHE-CONTROL, got " + text);
    }
    Rule rule = new Rule(text.substring(0, eq).trim(), text.substring(eq + 1).trim());
    FileSystems.getDefault().getPathMatcher("glob:" + rule.glob());
    return rule;
  }

  /** The value for {@code path}, or null when no rule matches. */
  public String valueFor(ContentPath path) {
    Path p = Path.of(path.value());
    for (int i = 0; i < rules.size(); i++) {
      if (matchers.get(i).matches(p)) {
        return rules.get(i).value();
      }
    }
    return null;
  }
}
