package io.reelay.upload;

import static io.reelay.upload.UploadHarness.ADMIN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.upload.UploadHarness.Reply;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TusProtocolTest {
  private static UploadHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = new UploadHarness(UploadHarness.settings());
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes());
  }

  @Test
  @DisplayName("a 12 MiB upload in three checksummed PATCHes becomes a processing video + event")
  void fullUpload() throws Exception {
    byte[] data = UploadHarness.random(12 << 20, 1);
    String id =
        h.create(ADMIN, data.length, "filename " + b64("clip.mp4") + ",title " + b64("My clip"));
    assertTrue(UploadIds.valid(id), id);
    int[] cuts = {0, 3 << 20, 10 << 20, data.length};
    for (int i = 0; i + 1 < cuts.length; i++) {
      byte[] chunk = Arrays.copyOfRange(data, cuts[i], cuts[i + 1]);
      Reply r =
          h.patch(
              ADMIN,
              id,
              cuts[i],
              chunk,
              "Upload-Checksum",
              "sha1 " + UploadHarness.digest("SHA-1", data, cuts[i], cuts[i + 1]));
      assertEquals(204, r.status(), r.body());
      assertEquals(String.valueOf(cuts[i + 1]), r.header("Upload-Offset"));
      assertEquals("1.0.0", r.header("Tus-Resumable"));
      if (i == 0) {
        Reply head = h.head(ADMIN, id);
        assertEquals(200, head.status());
        assertEquals(String.valueOf(cuts[1]), head.header("Upload-Offset"));
        assertEquals(String.valueOf(data.length), head.header("Upload-Length"));
        assertEquals("no-store", head.header("Cache-Control"));
        assertNotNull(head.header("Upload-Expires"));
        assertTrue(head.header("Upload-Metadata").contains("title " + b64("My clip")));
      }
    }
    JsonObject video = h.video(id);
    assertEquals("processing", video.getString("status"), video.encode());
    assertEquals("My clip", video.getString("title"));
    assertEquals(data.length, video.getLong("size"));
    JsonObject event = h.uploadedEvent(id);
    assertEquals(id, event.getString("videoId"));
    assertEquals("sources/" + id + "/source", event.getString("sourceKey"));
    assertEquals(data.length, event.getLong("size"));
    assertEquals("My clip", event.getString("title"));
    assertEquals("admin", event.getString("owner"));
    assertArrayEquals(data, h.source(ADMIN, id));
    Reply head = h.head(ADMIN, id);
    assertEquals(200, head.status());
    assertEquals(String.valueOf(data.length), head.header("Upload-Offset"));
  }
}
