package io.reelay.upload;

import static io.reelay.upload.UploadHarness.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.reelay.config.UploadSettings;
import io.reelay.upload.UploadHarness.Reply;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Idle expiry and the stall timeout, with short settings (2 s expiry, 1 s stall window). */
class UploadTimeoutsTest {
  private static UploadHarness h;
  private static MinioClient s3;

  @BeforeAll
  static void start() throws Exception {
    h =
        new UploadHarness(
            new UploadSettings(
                64L << 20, 2, Duration.ofSeconds(2), 5L << 20, Duration.ofSeconds(1), 1024));
    var c = h.config;
    s3 =
        MinioClient.builder()
            .endpoint(c.s3Endpoint().orElseThrow())
            .credentials(c.s3AccessKey().orElseThrow(), c.s3SecretKey().orElseThrow())
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
  }

  private static JsonObject state(String id) throws Exception {
    var r = h.redis.get(UploadStates.key(id)).await(5, TimeUnit.SECONDS);
    return r == null ? null : new JsonObject(r.toString());
  }

  private static int objectsUnder(String prefix) {
    int n = 0;
    for (var ignored :
        s3.listObjects(
            ListObjectsArgs.builder()
                .bucket(h.config.s3Bucket())
                .prefix(prefix)
                .recursive(true)
                .build())) {
      n++;
    }
    return n;
  }

  /**
   * Whether the embedded store still holds the multipart upload: S3Proxy's filesystem backend keeps
   * a stub object named by the upload id and the parts under {@code .mpus-<uploadId>-…}. (Its
   * ListParts answer cannot be parsed by the MinIO SDK, so the files are checked.)
   */
  private static boolean multipartExists(String id, String uploadId) throws Exception {
    Path bucket = h.config.dataDir().resolve("s3").resolve(h.config.s3Bucket());
    if (Files.exists(bucket.resolve(uploadId))) {
      return true;
    }
    try (Stream<Path> entries = Files.list(bucket)) {
      return entries
          .filter(p -> p.getFileName().toString().startsWith(".mpus-" + uploadId))
          .anyMatch(
              dir -> {
                try (Stream<Path> files = Files.walk(dir)) {
                  return files.anyMatch(Files::isRegularFile);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
    }
  }

  @Test
  @DisplayName("an idle upload expires: 410, and the sweep cleans S3 and Redis and fails the video")
  void expirySweep() throws Exception {
    String id = h.create(ADMIN, 10 << 20, null);
    Reply patched = h.patch(ADMIN, id, 0, new byte[1 << 20]);
    assertEquals(204, patched.status());
    assertTrue(patched.header("Upload-Expires").endsWith("GMT"), patched.header("Upload-Expires"));
    String uploadId = state(id).getString("s3UploadId");
    Thread.sleep(2500);
    assertEquals(410, h.head(ADMIN, id).status());
    assertEquals(410, h.patch(ADMIN, id, 1 << 20, new byte[10]).status());
    UploadServices services = UploadServices.create(h.vertx, h.config).await(10, TimeUnit.SECONDS);
    try {
      int swept = new UploadSweeper(services).sweep().await(30, TimeUnit.SECONDS);
      assertTrue(swept >= 1);
    } finally {
      services.close().await(10, TimeUnit.SECONDS);
    }
    assertNull(state(id));
    assertEquals(0, objectsUnder(UploadState.tempPrefix(id)));
    assertFalse(multipartExists(id, uploadId));
    JsonObject video = h.video(id);
    assertEquals("failed", video.getString("status"));
    assertEquals("upload expired", video.getString("error"));
    assertEquals(410, h.head(ADMIN, id).status());
  }

  @Test
  @DisplayName(
      "a stalled PATCH is cut after the stall timeout; what arrived in its part file is kept")
  void stalledConnectionCut() throws Exception {
    // The body declares less than a whole part, so its bytes go through a part file (a body
    // carrying
    // a whole part streams it to S3 without a copy; TusProtocolTest covers breaking one of those).
    String id = h.create(ADMIN, 200_000, null);
    HttpClientRequest req = h.openPatch(id, 0, 100_000, UploadHarness.random(300, 6));
    long start = System.nanoTime();
    // Bounded on both waits: a reply whose body never ends once hung the whole suite here.
    Throwable cut =
        assertThrows(
            Exception.class,
            () -> req.response().await(15, TimeUnit.SECONDS).body().await(15, TimeUnit.SECONDS));
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertTrue(seconds <= 5, "cut after " + seconds + " s: " + cut);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String offset;
    do {
      offset = h.head(ADMIN, id).header("Upload-Offset");
    } while (!"300".equals(offset) && System.nanoTime() < deadline);
    assertEquals("300", offset);
  }
}
