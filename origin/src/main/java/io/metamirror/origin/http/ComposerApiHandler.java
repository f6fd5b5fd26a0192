package io.metamirror.origin.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.origin.composer.ComposerRepository;
import io.metamirror.origin.composer.InvalidPackagesException;
import io.metamirror.origin.composer.PackageNotFoundException;
import io.metamirror.origin.composer.VersionDocuments;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;

/**
 * The Composer publishing API, behind the bearer token:
 *
 * <ul>
 *   <li>{@code POST /.metamirror/api/composer/packages} with one version document or an array of
 *       them (composer.json fields plus {@code version}, {@code dist}, {@code source}, {@code
 *       time}): adds or replaces those versions;
 *   <li>{@code DELETE /.metamirror/api/composer/packages/<vendor>/<name>}: removes a package;
 *   <li>{@code DELETE /.metamirror/api/composer/packages/<vendor>/<name>/<version>}: one version.
 * </ul>
 *
 * <p>Answers {@code {"head":N,"entries":E,"packages":{"acme/widget":3}}} (versions now held per
 * touched package); 400 lists every problem of every document (a body beyond {@link
 * io.metamirror.protocol.UntrustedJson}'s limits included), 415 refuses a body declared not to be
 * JSON, 404 names what does not exist.
 */
final class ComposerApiHandler implements HttpHandler {
  private final ComposerRepository composer;

  ComposerApiHandler(ComposerRepository composer) {
    this.composer = composer;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (exchange.isInIoThread()) {
      exchange.dispatch(new FailureHandler(this));
      return;
    }
    String rest = exchange.getRelativePath();
    try {
      if (rest.isEmpty() || rest.equals("/")) {
        if (!JsonResponses.methodAllowed(exchange, Methods.POST)
            || !JsonResponses.jsonContentType(exchange)) {
          return;
        }
        exchange.startBlocking();
        JsonNode body = VersionDocuments.read(exchange.getInputStream());
        send(exchange, composer.publish(VersionDocuments.documents(body)));
        return;
      }
      if (!JsonResponses.methodAllowed(exchange, Methods.DELETE)) {
        return;
      }
      String[] parts = rest.substring(1).split("/", 3);
      if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        JsonResponses.error(
            exchange,
            404,
            "expected /.metamirror/api/composer/packages/<vendor>/<name>[/<version>]");
        return;
      }
      String name = parts[0] + "/" + parts[1];
      send(
          exchange,
          parts.length == 3 && !parts[2].isEmpty()
              ? composer.deleteVersion(name, parts[2])
              : composer.deletePackage(name));
    } catch (InvalidPackagesException e) {
      JsonResponses.problems(exchange, 400, "invalid request; nothing was published", e.problems());
    } catch (PackageNotFoundException e) {
      JsonResponses.error(exchange, 404, e.getMessage());
    }
  }

  private static void send(HttpServerExchange exchange, ComposerRepository.Outcome outcome) {
    ObjectNode body = JsonResponses.JSON.createObjectNode();
    body.put("head", outcome.published().head());
    body.put("entries", outcome.published().entries().size());
    ObjectNode packages = body.putObject("packages");
    outcome.packages().forEach(packages::put);
    JsonResponses.send(exchange, 200, body);
  }
}
