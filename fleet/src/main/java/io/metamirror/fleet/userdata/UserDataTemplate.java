package io.metamirror.fleet.userdata;

import io.metamirror.fleet.spec.NodeSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one user-data template of a mirror node, {@code user-data.yaml.tmpl} beside this class on the
 * classpath, a {@code #cloud-config} document with placeholders in the syntax of terraform's {@code
 * templatefile()}. Its source is {@code terraform/modules/mirror-region/user-data.yaml.tmpl}, which
 * that module renders with {@code templatefile()} and this module's build copies here:
 *
 * <pre>
 * origin: "${origin_url}"     a placeholder: a name of [a-z0-9_]
 * $${not_a_placeholder}       a literal "${not_a_placeholder}", terraform's escape
 * </pre>
 *
 * The template may hold no {@code %{...}} directive (terraform would run it). Every placeholder
 * needs a value and every value a placeholder; values hold no quote, backslash, {@code $}, brace or
 * line break (the fleet file's checks keep them so), since they are placed as they are inside
 * quoted YAML scalars. The node's variables are {@link #variables}.
 */
public final class UserDataTemplate {
  public static final String RESOURCE = "user-data.yaml.tmpl";
  private static final Pattern PLACEHOLDER = Pattern.compile("(\\$?)\\$\\{([^}]*)\\}");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern UNSAFE = Pattern.compile("[\"'\\\\$%{}\\s]");

  private final String template;

  private UserDataTemplate(String template) {
    if (template.contains("%{")) {
      throw new IllegalArgumentException("a user-data template holds no %{ directive");
    }
    this.template = template;
  }

  /** The node template shipped with this module. */
  public static UserDataTemplate node() {
    try (InputStream in = UserDataTemplate.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource missing: " + RESOURCE);
      }
      return new UserDataTemplate(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static UserDataTemplate of(String template) {
    return new UserDataTemplate(template);
  }

  /** The template's variables for a node of {@code region}. */
  public static Map<String, String> variables(NodeSettings node, String region) {
    return Map.of(
        "origin_url", node.origin().toString(),
        "port", Integer.toString(node.port()),
        "region", region,
        "artifact_url", node.artifactUrl().toString(),
        "artifact_sha256", node.artifactSha256(),
        "tls_cert_parameter", node.tlsCertParameter(),
        "tls_key_parameter", node.tlsKeyParameter());
  }

  /** The placeholder names the template uses. */
  public Set<String> placeholders() {
    Set<String> names = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      if (m.group(1).isEmpty()) {
        names.add(checkedName(m.group(2)));
      }
    }
    return names;
  }

  /** The template with every placeholder replaced by its value. */
  public String render(Map<String, String> values) {
    Set<String> unused = new TreeSet<>(values.keySet());
    unused.removeAll(placeholders());
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException("no placeholder for " + unused);
    }
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (!m.group(1).isEmpty()) {
        replacement = "${" + m.group(2) + "}";
      } else {
        String name = m.group(2);
        replacement = values.get(name);
        if (replacement == null) {
          throw new IllegalArgumentException("no value for ${" + name + "}");
        }
        if (UNSAFE.matcher(replacement).find() || replacement.isEmpty()) {
          throw new IllegalArgumentException(
              "value of ${"
                  + name
                  + "} is empty or holds a quote, $, brace or space: "
                  + replacement);
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String checkedName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a placeholder name: ${" + name + "}");
    }
    return name;
  }
}
