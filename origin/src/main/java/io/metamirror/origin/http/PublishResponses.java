package io.metamirror.origin.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.origin.repository.PublishResult;
import io.metamirror.protocol.JournalEntry;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;

/**
 * The answer to every publish: {@code {"head":12,"entries":[...]}} with the entries it journaled,
 * empty when nothing changed.
 */
final class PublishResponses {
  private PublishResponses() {}

  static void send(HttpServerExchange exchange, PublishResult result) throws IOException {
    ObjectNode body = JsonResponses.JSON.createObjectNode();
    body.put("head", result.head());
    ArrayNode entries = body.putArray("entries");
    for (JournalEntry e : result.entries()) {
      entries.add(JsonResponses.JSON.readTree(e.toJson()));
    }
    JsonResponses.send(exchange, 200, body);
  }
}
