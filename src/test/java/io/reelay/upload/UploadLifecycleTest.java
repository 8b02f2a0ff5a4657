package io.reelay.upload;

import static io.reelay.upload.UploadHarness.ADMIN;
import static io.reelay.upload.UploadHarness.tus;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.reelay.config.UploadSettings;
import io.reelay.upload.UploadHarness.Reply;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Locking, termination, limits, plain POST, presigned uploads and listing. */
class UploadLifecycleTest {
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
  @DisplayName("a second PATCH while one is writing gets 423; the first completes intact")
  void concurrentPatchRefused() throws Exception {
    byte[] data = UploadHarness.random(2_000_000, 4);
    String id = h.create(ADMIN, data.length, null);
    HttpClientRequest first = h.openPatch(id, 0, data.length, Arrays.copyOfRange(data, 0, 500_000));
    Future<HttpClientResponse> firstResponse = first.response();
    Thread.sleep(500);
    Reply second = h.patch(ADMIN, id, 0, data);
    assertEquals(423, second.status(), second.body());
    assertEquals("1.0.0", second.header("Tus-Resumable"));
    first
        .end(Buffer.buffer(Arrays.copyOfRange(data, 500_000, data.length)))
        .await(10, TimeUnit.SECONDS);
    assertEquals(204, firstResponse.await(20, TimeUnit.SECONDS).statusCode());
    assertArrayEquals(data, h.source(ADMIN, id));
  }

  @Test
  @DisplayName("DELETE aborts the S3 multipart upload, removes the tail object, state and record")
  void termination() throws Exception {
    byte[] data = UploadHarness.random(6 << 20, 5);
    String id = h.create(ADMIN, 10 << 20, null);
    assertEquals(204, h.patch(ADMIN, id, 0, data).status());
    String uploadId = state(id).getString("s3UploadId");
    assertEquals(1, state(id).getJsonArray("parts").size(), "one 5 MiB part in S3");
    assertEquals(1, objectsUnder(UploadState.tempPrefix(id)), "the 1 MiB tail is an object");
    assertTrue(multipartExists(id, uploadId));
    Reply deleted = h.send(HttpMethod.DELETE, "/files/" + id, tus(ADMIN), null);
    assertEquals(204, deleted.status(), deleted.body());
    assertEquals("1.0.0", deleted.header("Tus-Resumable"));
    assertNull(state(id));
    assertEquals(0, objectsUnder(UploadState.tempPrefix(id)));
    assertEquals(0, objectsUnder("sources/" + id));
    assertFalse(multipartExists(id, uploadId));
    assertEquals(404, h.head(ADMIN, id).status());
    assertEquals(404, h.send(HttpMethod.GET, "/api/videos/" + id, Map.of(), null).status());
  }

  @Test
  @DisplayName(
      "the start-up warm-up goes through /files/ and leaves no state, record or part behind")
  void warmupLeavesNothing() throws Exception {
    java.util.Set<String> before = partFiles();
    UploadWarmup.Done done =
        new UploadWarmup(h.vertx, h.config, h.port, 10L << 20).run().await(60, TimeUnit.SECONDS);
    assertEquals(10L << 20, done.sent(), "both 5 MiB parts committed before the termination");
    assertNull(state(done.id()));
    assertEquals(
        404,
        h.send(HttpMethod.GET, "/api/videos/" + done.id(), Map.of("Authorization", ADMIN), null)
            .status());
    assertEquals(0, objectsUnder("sources/" + done.id()));
    assertEquals(0, objectsUnder(UploadState.tempPrefix(done.id())));
    assertEquals(before, partFiles(), "no part or assembly file left in the store");
  }

  /** The embedded store's multipart files (parts, assembly files) in the bucket. */
  private static java.util.Set<String> partFiles() throws Exception {
    Path bucket = h.config.dataDir().resolve("s3").resolve(h.config.s3Bucket());
    try (Stream<Path> files = Files.walk(bucket)) {
      return files
          .map(p -> bucket.relativize(p).toString())
          .filter(p -> p.contains(".mpu"))
          .collect(java.util.stream.Collectors.toSet());
    }
  }

  @Test
  @DisplayName("a creator may have 2 unfinished uploads (setting); the third gets 429")
  void perUserLimit() throws Exception {
    String creator = h.session("CREATOR");
    h.create(creator, 10, null);
    String second = h.create(creator, 10, null);
    Reply third = h.send(HttpMethod.POST, "/files/", tus(creator, "Upload-Length", "10"), null);
    assertEquals(429, third.status());
    assertEquals("too_many_uploads", third.json().getString("error"));
    assertEquals(204, h.patch(creator, second, 0, new byte[10]).status());
    assertEquals(
        201,
        h.send(HttpMethod.POST, "/files/", tus(creator, "Upload-Length", "10"), null).status());
  }

  @Test
  @DisplayName("POST /api/videos with a tiny file (the form ends before its writer is ready)")
  void plainPostTinyFile() throws Exception {
    byte[] data = UploadHarness.random(1000, 9);
    String boundary = "tiny-boundary";
    Buffer body =
        Buffer.buffer()
            .appendString(
                "--"
                    + boundary
                    + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.mp4\"\r\n\r\n")
            .appendBytes(data)
            .appendString("\r\n--" + boundary + "--\r\n");
    Reply r =
        h.send(
            HttpMethod.POST,
            "/api/videos",
            Map.of(
                "Authorization",
                ADMIN,
                "Content-Type",
                "multipart/form-data; boundary=" + boundary),
            body);
    assertEquals(201, r.status(), r.body());
    assertArrayEquals(data, h.source(ADMIN, r.json().getString("id")));
  }

  @Test
  @DisplayName("POST /api/videos multipart streams the file; title after the file is used")
  void plainPost() throws Exception {
    byte[] data = UploadHarness.random((7 << 20) + 123, 7);
    String boundary = "reelay-test-boundary";
    Buffer body =
        Buffer.buffer()
            .appendString(
                "--"
                    + boundary
                    + "\r\nContent-Disposition: form-data; name=\"file\";"
                    + " filename=\"clip.mp4\"\r\nContent-Type: video/mp4\r\n\r\n")
            .appendBytes(data)
            .appendString(
                "\r\n--"
                    + boundary
                    + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n"
                    + "Posted clip\r\n--"
                    + boundary
                    + "--\r\n");
    Reply r =
        h.send(
            HttpMethod.POST,
            "/api/videos",
            Map.of(
                "Authorization",
                ADMIN,
                "Content-Type",
                "multipart/form-data; boundary=" + boundary),
            body);
    assertEquals(201, r.status(), r.body());
    JsonObject video = r.json();
    assertEquals("processing", video.getString("status"));
    assertEquals("Posted clip", video.getString("title"));
    assertEquals(data.length, video.getLong("size"));
    String id = video.getString("id");
    assertEquals(data.length, h.uploadedEvent(id).getLong("size"));
    assertArrayEquals(data, h.source(ADMIN, id));
    Reply noFile =
        h.send(
            HttpMethod.POST,
            "/api/videos",
            Map.of("Authorization", ADMIN, "Content-Type", "multipart/form-data; boundary=b"),
            Buffer.buffer(
                "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--b--\r\n"));
    assertEquals(400, noFile.status(), noFile.body());
    Reply notForm =
        h.send(HttpMethod.POST, "/api/videos", Map.of("Authorization", ADMIN), Buffer.buffer("x"));
    assertEquals(415, notForm.status());
  }

  @Test
  @DisplayName("presign → PUT to S3 → complete: processing video and a Kafka event")
  void presignedUpload() throws Exception {
    byte[] data = UploadHarness.random(300_000, 8);
    Reply presigned =
        h.send(
            HttpMethod.POST,
            "/api/uploads/presign",
            Map.of("Authorization", ADMIN, "Content-Type", "application/json"),
            Buffer.buffer(
                new JsonObject()
                    .put("filename", "direct.mp4")
                    .put("size", data.length)
                    .put("title", "Direct")
                    .encode()));
    assertEquals(201, presigned.status(), presigned.body());
    JsonObject p = presigned.json();
    assertEquals("PUT", p.getString("method"));
    String id = p.getString("videoId");
    assertTrue(UploadIds.valid(id));
    Reply early = h.completePresigned(id);
    assertEquals(409, early.status(), early.body());
    HttpResponse<String> put =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(p.getString("url")))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, put.statusCode(), put.body());
    Reply done = h.completePresigned(id);
    assertEquals(200, done.status(), done.body());
    assertEquals("processing", done.json().getString("status"));
    assertEquals("Direct", done.json().getString("title"));
    JsonObject event = h.uploadedEvent(id);
    assertEquals(data.length, event.getLong("size"));
    assertEquals("sources/" + id + "/source", event.getString("sourceKey"));
    assertArrayEquals(data, h.source(ADMIN, id));
    Reply tooBig =
        h.send(
            HttpMethod.POST,
            "/api/uploads/presign",
            Map.of("Authorization", ADMIN),
            Buffer.buffer(new JsonObject().put("size", 1L << 40).encode()));
    assertEquals(413, tooBig.status());
    Reply badJson =
        h.send(
            HttpMethod.POST,
            "/api/uploads/presign",
            Map.of("Authorization", ADMIN),
            Buffer.buffer("{x"));
    assertEquals(400, badJson.status());
    Reply anonymous =
        h.send(
            HttpMethod.POST,
            "/api/uploads/presign",
            Map.of(),
            Buffer.buffer(new JsonObject().put("size", 1).encode()));
    assertEquals(401, anonymous.status());
  }

  @Test
  @DisplayName("GET /api/videos lists newest first, paginated; uploading videos show bytesReceived")
  void listing() throws Exception {
    String older = h.create(ADMIN, 1000, null);
    Thread.sleep(5);
    String newer = h.create(ADMIN, 1000, null);
    assertEquals(204, h.patch(ADMIN, newer, 0, new byte[400]).status());
    Reply page = h.send(HttpMethod.GET, "/api/videos?limit=2", Map.of(), null);
    assertEquals(200, page.status());
    JsonArray videos = page.json().getJsonArray("videos");
    assertEquals(2, videos.size());
    assertEquals(newer, videos.getJsonObject(0).getString("id"));
    assertEquals(older, videos.getJsonObject(1).getString("id"));
    assertEquals("uploading", videos.getJsonObject(0).getString("status"));
    assertEquals(400, videos.getJsonObject(0).getLong("bytesReceived"));
    assertEquals(0.4, videos.getJsonObject(0).getDouble("progress"), 1e-9);
    assertTrue(page.json().getLong("total") >= 2);
    Reply next = h.send(HttpMethod.GET, "/api/videos?limit=1&offset=1", Map.of(), null);
    assertEquals(older, next.json().getJsonArray("videos").getJsonObject(0).getString("id"));
    assertEquals(400, h.send(HttpMethod.GET, "/api/videos?limit=-1", Map.of(), null).status());
    assertEquals(404, h.send(HttpMethod.GET, "/api/videos/nope", Map.of(), null).status());
  }
}
