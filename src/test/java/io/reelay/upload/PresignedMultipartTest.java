package io.reelay.upload;

import static io.reelay.upload.UploadHarness.ADMIN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.config.UploadSettings;
import io.reelay.upload.UploadHarness.Reply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Presigned uploads too big for one PUT, against the real S3 store: the limit is 6 MiB here (5 GiB
 * in production) so a 12 MiB file shows the whole path.
 */
class PresignedMultipartTest {
  private static UploadHarness h;

  @BeforeAll
  static void start() throws Exception {
    UploadSettings base = UploadHarness.settings();
    h =
        new UploadHarness(
            new UploadSettings(
                base.maxSize(),
                base.maxConcurrent(),
                base.expiry(),
                base.partSize(),
                base.stallTimeout(),
                base.stallMinBytes(),
                6L << 20));
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
  }

  @Test
  @DisplayName("presigned multipart: part URLs → PUT each → complete joins them; a gap is a 409")
  void presignedMultipartUpload() throws Exception {
    byte[] data = UploadHarness.random((12 << 20) + 1000, 21);
    Reply presigned =
        h.send(
            HttpMethod.POST,
            "/api/uploads/presign",
            Map.of("Authorization", ADMIN, "Content-Type", "application/json"),
            Buffer.buffer(
                new JsonObject().put("size", data.length).put("title", "Big direct").encode()));
    assertEquals(201, presigned.status(), presigned.body());
    JsonObject p = presigned.json();
    String id = p.getString("videoId");
    assertNull(p.getString("url"), "a multipart upload has no single URL");
    assertEquals(5L << 20, p.getLong("partSize"));
    var parts = p.getJsonArray("parts");
    assertEquals(3, parts.size());
    assertEquals((2L << 20) + 1000, parts.getJsonObject(2).getLong("size"));
    Reply viaTus =
        h.send(
            HttpMethod.PATCH,
            "/files/" + id,
            UploadHarness.tus(
                ADMIN, "Upload-Offset", "0", "Content-Type", "application/offset+octet-stream"),
            Buffer.buffer("x"));
    assertEquals(409, viaTus.status(), "its bytes go to S3, not through tus: " + viaTus.body());
    HttpClient client = HttpClient.newHttpClient();
    int from = 0;
    int[] order = {2, 0, 1}; // parts may arrive in any order
    int[] starts = new int[parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      starts[i] = from;
      from += parts.getJsonObject(i).getLong("size").intValue();
    }
    assertEquals(data.length, from);
    for (int k = 0; k < order.length; k++) {
      int i = order[k];
      JsonObject part = parts.getJsonObject(i);
      assertEquals(i + 1, part.getInteger("partNumber"));
      if (k == 2) {
        // Two of three parts are there: completing now names the missing one.
        Reply gap = h.completePresigned(id);
        assertEquals(409, gap.status(), gap.body());
        assertTrue(gap.body().contains("[2]"), gap.body());
      }
      byte[] bytes =
          Arrays.copyOfRange(data, starts[i], starts[i] + part.getLong("size").intValue());
      HttpResponse<String> put =
          client.send(
              HttpRequest.newBuilder(URI.create(part.getString("url")))
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, put.statusCode(), put.body());
      assertNotNull(put.headers().firstValue("ETag").orElse(null));
    }
    Reply done = h.completePresigned(id);
    assertEquals(200, done.status(), done.body());
    assertEquals("processing", done.json().getString("status"));
    assertEquals("Big direct", done.json().getString("title"));
    assertEquals(data.length, h.uploadedEvent(id).getLong("size"));
    assertArrayEquals(data, h.source(ADMIN, id));
    assertNull(
        h.redis.get(UploadStates.key(id)).await(5, TimeUnit.SECONDS),
        "the upload state is gone once complete");
  }
}
