package io.metamirror.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.jar.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code metamirror version} and {@code --version}: the jar's version, the git commit it was built
 * from (its manifest's {@code Git-Commit}, written by the build; "unknown" when built outside a git
 * checkout or run from classes), and the Java runtime.
 */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description =
        "Print metamirror's version, the git commit it was built from, and the Java runtime.")
public final class Versions implements IVersionProvider, Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  public static String version() {
    String v = Versions.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The abbreviated commit, with " (modified)" when the tree had uncommitted changes. */
  static String commit() {
    Manifest manifest = ownManifest();
    String commit = manifest == null ? null : manifest.getMainAttributes().getValue("Git-Commit");
    if (commit == null || commit.isBlank() || commit.startsWith("${")) {
      return "unknown";
    }
    boolean dirty = "true".equals(manifest.getMainAttributes().getValue("Git-Dirty"));
    return commit + (dirty ? " (modified)" : "");
  }

  /** The manifest of the jar this class was loaded from; null when it is not in a jar. */
  private static Manifest ownManifest() {
    URL self = Versions.class.getResource("Versions.class");
    if (self == null || !self.getProtocol().equals("jar")) {
      return null;
    }
    String jar = self.toString().substring(0, self.toString().indexOf("!/") + 2);
    try (InputStream in = new URL(jar + "META-INF/MANIFEST.MF").openStream()) {
      return new Manifest(in);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "metamirror " + version(),
      "commit " + commit(),
      "Java "
          + System.getProperty("java.version")
          + " ("
          + System.getProperty("java.vendor")
          + ", "
          + System.getProperty("java.home")
          + ")"
    };
  }

  @Override
  public void run() {
    for (String line : getVersion()) {
      spec.commandLine().getOut().println(line);
    }
  }
}
