package io.metamirror.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the jar's Implementation-Version and the Java runtime. */
public final class Versions implements IVersionProvider {
  public static String version() {
    String v = Versions.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"metamirror " + version(), "Java " + System.getProperty("java.version")};
  }
}
