package io.metamirror.origin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.testsupport.origin.TestOrigin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BodyLimitTest {
  @TempDir Path data;

  @Test
  void aBatchOfAThousandTwoKilobyteFilesFitsAndAnOversizedBodyIs413() throws Exception {
    try (TestOrigin origin = TestOrigin.start(data)) {
      OriginClient client = new OriginClient(origin.port(), TestOrigin.TOKEN);
      Map<String, String> thousand = new java.util.TreeMap<>();
      for (int i = 0; i < 1000; i++) {
        thousand.put("p/" + i + ".json", ("{\"i\":" + i + "}").repeat(200));
      }
      HttpResponse<String> ok = client.batch(thousand, List.of());
      assertEquals(200, ok.statusCode(), ok.body());
      assertEquals(1000, origin.head());

      byte[] huge = new byte[(int) OriginServer.MAX_BODY_BYTES + 1024];
      java.util.Arrays.fill(huge, (byte) 'x');
      HttpResponse<String> refused =
          client.http.send(
              HttpRequest.newBuilder(client.base.resolve(".metamirror/api/batch"))
                  .header("Authorization", "Bearer " + TestOrigin.TOKEN)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(huge))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(413, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("larger than"), refused.body());
      assertEquals(1000, origin.head(), "nothing was published");
    }
  }
}
