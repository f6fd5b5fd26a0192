package io.metamirror.origin.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** A small test client for an origin's HTTP API. */
final class OriginClient {
  static final ObjectMapper JSON = new ObjectMapper();
  final URI base;
  final String token;
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  OriginClient(int port, String token) {
    this.base = URI.create("http://127.0.0.1:" + port + "/");
    this.token = token;
  }

  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  JsonNode getJson(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = get(path);
    if (response.statusCode() != 200) {
      throw new IOException(path + " answered " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }

  /** Posts a batch of puts (path → content) and deletes; returns the response. */
  HttpResponse<String> batch(Map<String, String> puts, Iterable<String> deletes)
      throws IOException, InterruptedException {
    return post(".metamirror/api/batch", batchBody(puts, deletes));
  }

  HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String batchBody(Map<String, String> puts, Iterable<String> deletes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder body = new StringBuilder("{\"changes\":[");
    String sep = "";
    for (Map.Entry<String, String> e : puts.entrySet()) {
      body.append(sep)
          .append("{\"op\":\"put\",\"path\":")
          .append(JSON.writeValueAsString(e.getKey()))
          .append(",\"content\":\"")
          .append(Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)))
          .append("\"}");
      sep = ",";
    }
    for (String d : deletes) {
      body.append(sep)
          .append("{\"op\":\"delete\",\"path\":")
          .append(JSON.writeValueAsString(d))
          .append('}');
      sep = ",";
    }
    out.writeBytes(body.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }
}
