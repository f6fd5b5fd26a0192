package io.metamirror.cli.mirror;

import io.metamirror.cli.ExitCodes;
import io.metamirror.mirror.node.MirrorNodeConfig;
import io.metamirror.mirror.tls.ReloadingKeyManager;
import io.metamirror.mirror.tls.TlsProvider;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The server's TLS key material from PEM files, reloaded when the files change (ACME renewals). */
final class Tls {
  private static final Logger log = LoggerFactory.getLogger(Tls.class);

  private Tls() {}

  /** Opens the PEM files; a missing one is named by its option and path. */
  static ReloadingKeyManager serverKeys(Path cert, Path key) throws IOException {
    requireFile("--tls-cert", cert);
    requireFile("--tls-key", key);
    return ReloadingKeyManager.open(cert, key);
  }

  private static void requireFile(String option, Path file) {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new ExitCodes.UserError(option + " " + file + ": file not found");
    }
  }

  /**
   * The HTTPS listener serving {@code keys} through {@code provider}; {@code conscrypt} asked for
   * where its native library cannot load is a user error naming why.
   */
  static MirrorNodeConfig.Listener listener(
      String host, int port, ReloadingKeyManager keys, TlsProvider provider) {
    try {
      return MirrorNodeConfig.Listener.reloading(host, port, keys, provider);
    } catch (IllegalStateException e) {
      throw new ExitCodes.UserError(e.getMessage()); // "TLS provider conscrypt: … (why)"
    }
  }

  /** {@code --tls-provider}: auto, conscrypt or jdk, in any case. */
  static final class ProviderConverter implements CommandLine.ITypeConverter<TlsProvider> {
    @Override
    public TlsProvider convert(String value) {
      try {
        return TlsProvider.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /**
   * SIGHUP: rereads the files now, changed or not (a renewal hook need not wait for the periodic
   * check). A failure is logged and shown in health by the key manager, and the old certificate
   * keeps serving. Without TLS there is nothing to reread, which is said once.
   */
  static void reload(ReloadingKeyManager keys) {
    if (keys == null) {
      log.info("event=sighup action=none reason=\"no --tls-cert to reread\"");
      return;
    }
    try {
      keys.reload();
    } catch (IOException e) {
      // Logged by the key manager (event=tls_reload_failed) and shown in health.
    }
  }
}
