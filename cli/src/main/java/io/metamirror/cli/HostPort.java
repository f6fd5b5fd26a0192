package io.metamirror.cli;

/** {@code HOST:PORT}, {@code [v6]:PORT} or {@code :PORT} (all interfaces), as given to --listen. */
public record HostPort(String host, int port) {
  public static HostPort parse(String value) {
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected HOST:PORT, got " + value);
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty()) {
      host = "0.0.0.0";
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port is not a number in " + value);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range in " + value);
    }
    return new HostPort(host, port);
  }

  /** Picocli converter, so a bad value is a usage error naming the option. */
  public static final class Converter implements picocli.CommandLine.ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
