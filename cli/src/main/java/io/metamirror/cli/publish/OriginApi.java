package io.metamirror.cli.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A running origin's API as its clients see it: writes carry the bearer token and a JSON body, and
 * every failure reads the same way. An origin that cannot be reached is named; an answer that is
 * not JSON says so; anything but 200 is a refusal carrying the origin's {@code error} and each of
 * its {@code problems}.
 */
public final class OriginApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI origin;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  public OriginApi(URI origin, String token) {
    this.origin = origin.toString().endsWith("/") ? origin : URI.create(origin + "/");
    this.token = token;
  }

  /** {@code path}, relative like {@code .metamirror/manifest}, at the origin. */
  public URI resolve(String path) {
    return origin.resolve(path);
  }

  /** A POST of the JSON {@code body} to {@code path}, with the token; the caller may add more. */
  public HttpRequest.Builder post(String path, byte[] body) {
    return HttpRequest.newBuilder(resolve(path))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  /**
   * Sends {@code request} and returns the JSON answer of a 200. Any other status throws "origin
   * refused the {@code what} (status): error", each problem the origin listed after {@code
   * problemSeparator}.
   */
  public JsonNode exchange(HttpRequest request, String what, String problemSeparator)
      throws IOException {
    HttpResponse<byte[]> response = send(request, HttpResponse.BodyHandlers.ofByteArray());
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IOException(
          "origin answered " + response.statusCode() + " with a body that is not JSON");
    }
    if (response.statusCode() != 200) {
      StringBuilder message =
          new StringBuilder("origin refused the " + what + " (" + response.statusCode() + "): ")
              .append(answer.path("error").asText());
      for (JsonNode problem : answer.path("problems")) {
        message.append(problemSeparator).append(problem.asText());
      }
      throw new IOException(message.toString());
    }
    return answer;
  }

  /** Sends {@code request}; a failure to reach the origin is an IOException naming it. */
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    try {
      return http.send(request, handler);
    } catch (ConnectException e) {
      throw new IOException("cannot reach the origin at " + origin + ": connection refused");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (IOException e) {
      throw new IOException("cannot reach the origin at " + origin + ": " + e, e);
    }
  }
}
