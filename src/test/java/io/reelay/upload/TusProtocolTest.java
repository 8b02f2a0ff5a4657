package io.reelay.upload;

import static io.reelay.upload.UploadHarness.ADMIN;
import static io.reelay.upload.UploadHarness.tus;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.upload.UploadHarness.Reply;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

  @Test
  @DisplayName(
      "a PATCH broken mid-part keeps the parts before it: HEAD says where, the resume is intact")
  void brokenPatchResumesFromLastPart() throws Exception {
    int part = (int) UploadHarness.settings().partSize();
    byte[] data = UploadHarness.random(2 * part + 1000, 11);
    String id = h.create(ADMIN, data.length, null);
    // A body declaring the whole upload streams each part straight to S3, with no copy on disk.
    HttpClientRequest req =
        h.openPatch(id, 0, data.length, Arrays.copyOfRange(data, 0, part + 300_000));
    String committed = String.valueOf(part);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!committed.equals(h.head(ADMIN, id).header("Upload-Offset"))
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(committed, h.head(ADMIN, id).header("Upload-Offset"), "first part committed");
    req.reset();
    // An empty PATCH gets the lock once the broken one has settled (423 until then).
    Reply settled = patchWhenUnlocked(id, part, new byte[0]);
    assertEquals(204, settled.status(), settled.body());
    // The 300 000 bytes of the broken second part are gone: the offset stays at the first part.
    assertEquals(committed, settled.header("Upload-Offset"));
    assertEquals(committed, h.head(ADMIN, id).header("Upload-Offset"));
    Reply resumedTooFar = h.patch(ADMIN, id, part + 300_000, new byte[10]);
    assertEquals(409, resumedTooFar.status(), resumedTooFar.body());
    Reply rest = h.patch(ADMIN, id, part, Arrays.copyOfRange(data, part, data.length));
    assertEquals(204, rest.status(), rest.body());
    assertEquals(String.valueOf(data.length), rest.header("Upload-Offset"));
    assertEquals("processing", h.video(id).getString("status"));
    assertEquals(
        UploadHarness.sha256Hex(data), UploadHarness.sha256Hex(h.source(ADMIN, id)), "intact");
  }

  /** A PATCH, repeated while a broken one still holds the upload's lock (423). */
  private static Reply patchWhenUnlocked(String id, long offset, byte[] bytes) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Reply r = h.patch(ADMIN, id, offset, bytes);
    while (r.status() == 423 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      r = h.patch(ADMIN, id, offset, bytes);
    }
    return r;
  }

  @Test
  @DisplayName("OPTIONS advertises version, extensions, max size, checksums; no Tus-Resumable")
  void options() throws Exception {
    Reply r = h.send(HttpMethod.OPTIONS, "/files/", Map.of(), null);
    assertEquals(204, r.status());
    assertEquals("1.0.0", r.header("Tus-Version"));
    assertEquals(
        "creation,creation-with-upload,creation-defer-length,expiration,checksum,termination",
        r.header("Tus-Extension"));
    assertEquals(String.valueOf(64L << 20), r.header("Tus-Max-Size"));
    assertEquals("sha1,sha256,md5", r.header("Tus-Checksum-Algorithm"));
    assertNull(r.header("Tus-Resumable"));
  }

  @Test
  @DisplayName("a browser preflight for PATCH is allowed with the tus headers, which are exposed")
  void corsPreflight() throws Exception {
    Reply r =
        h.send(
            HttpMethod.OPTIONS,
            "/files/abc",
            Map.of(
                "Origin", "http://app.example",
                "Access-Control-Request-Method", "PATCH",
                "Access-Control-Request-Headers",
                    "tus-resumable,upload-offset,content-type,upload-checksum,authorization"),
            null);
    assertTrue(r.status() == 200 || r.status() == 204, String.valueOf(r.status()));
    assertEquals("*", r.header("Access-Control-Allow-Origin"));
    assertTrue(r.header("Access-Control-Allow-Methods").contains("PATCH"));
    String allowed = r.header("Access-Control-Allow-Headers").toLowerCase();
    for (String header :
        new String[] {"tus-resumable", "upload-offset", "upload-checksum", "authorization"}) {
      assertTrue(allowed.contains(header), allowed);
    }
    Reply created =
        h.send(
            HttpMethod.POST,
            "/files/",
            tus(ADMIN, "Upload-Length", "10", "Origin", "http://app.example"),
            null);
    String exposed = created.header("Access-Control-Expose-Headers");
    for (String header :
        new String[] {"Location", "Upload-Offset", "Tus-Resumable", "Upload-Expires"}) {
      assertTrue(exposed.contains(header), exposed);
    }
  }

  @Test
  @DisplayName("412 + Tus-Version without or with another Tus-Resumable")
  void versionRequired() throws Exception {
    Reply missing =
        h.send(
            HttpMethod.POST, "/files/", Map.of("Authorization", ADMIN, "Upload-Length", "5"), null);
    assertEquals(412, missing.status());
    assertEquals("1.0.0", missing.header("Tus-Version"));
    assertEquals("precondition_failed", missing.json().getString("error"));
    Reply other =
        h.send(
            HttpMethod.POST,
            "/files/",
            Map.of("Authorization", ADMIN, "Upload-Length", "5", "Tus-Resumable", "0.2.2"),
            null);
    assertEquals(412, other.status());
    assertEquals("1.0.0", other.header("Tus-Version"));
  }

  @Test
  @DisplayName("401 without a token, 403 for a viewer and for someone else's upload")
  void auth() throws Exception {
    Reply anonymous = h.send(HttpMethod.POST, "/files/", tus(null, "Upload-Length", "5"), null);
    assertEquals(401, anonymous.status());
    assertEquals("1.0.0", anonymous.header("Tus-Resumable"));
    Reply viewer =
        h.send(HttpMethod.POST, "/files/", tus(h.session("VIEWER"), "Upload-Length", "5"), null);
    assertEquals(403, viewer.status());
    String creator = h.session("CREATOR");
    String id = h.create(creator, 5, null);
    assertEquals(200, h.head(creator, id).status());
    assertEquals(403, h.head(h.session("CREATOR"), id).status());
    assertEquals(401, h.patch(null, id, 0, new byte[5]).status());
    assertEquals(200, h.head(ADMIN, id).status(), "the admin may see every upload");
    Reply post =
        h.send(
            HttpMethod.POST,
            "/api/videos",
            Map.of("Content-Type", "multipart/form-data; boundary=x"),
            io.vertx.core.buffer.Buffer.buffer("--x--\r\n"));
    assertEquals(401, post.status());
  }

  @Test
  @DisplayName("bad declarations: 400 for malformed lengths and metadata, 413 above the maximum")
  void badDeclarations() throws Exception {
    for (String length : new String[] {"-1", "abc", "99999999999999999999", "1.5", ""}) {
      Reply r = h.send(HttpMethod.POST, "/files/", tus(ADMIN, "Upload-Length", length), null);
      assertEquals(400, r.status(), "Upload-Length " + length);
      assertEquals("bad_request", r.json().getString("error"));
    }
    assertEquals(
        413,
        h.send(
                HttpMethod.POST,
                "/files/",
                tus(ADMIN, "Upload-Length", String.valueOf((64L << 20) + 1)),
                null)
            .status());
    assertEquals(
        400, h.send(HttpMethod.POST, "/files/", tus(ADMIN), null).status(), "no length at all");
    assertEquals(
        400,
        h.send(HttpMethod.POST, "/files/", tus(ADMIN, "Upload-Defer-Length", "2"), null).status());
    for (String metadata :
        new String[] {"key notbase64!", "a " + b64("x") + ",a " + b64("y"), "k v w", ","}) {
      Reply r =
          h.send(
              HttpMethod.POST,
              "/files/",
              tus(ADMIN, "Upload-Length", "5", "Upload-Metadata", metadata),
              null);
      assertEquals(400, r.status(), "metadata '" + metadata + "'");
    }
    Reply longMeta =
        h.send(
            HttpMethod.POST,
            "/files/",
            tus(ADMIN, "Upload-Length", "5", "Upload-Metadata", "k " + "A".repeat(5000)),
            null);
    assertEquals(400, longMeta.status());
  }

  @Test
  @DisplayName("PATCH: 415 wrong type, 409 wrong offset, 413 past the length, 404 unknown id")
  void patchErrors() throws Exception {
    String id = h.create(ADMIN, 10, null);
    Reply wrongType =
        h.send(
            HttpMethod.PATCH,
            "/files/" + id,
            tus(ADMIN, "Upload-Offset", "0", "Content-Type", "application/octet-stream"),
            io.vertx.core.buffer.Buffer.buffer("12345"));
    assertEquals(415, wrongType.status());
    Reply wrongOffset = h.patch(ADMIN, id, 3, "12345".getBytes());
    assertEquals(409, wrongOffset.status());
    assertEquals("1.0.0", wrongOffset.header("Tus-Resumable"));
    Reply tooLong = h.patch(ADMIN, id, 0, new byte[11]);
    assertEquals(413, tooLong.status());
    Reply noOffset =
        h.send(
            HttpMethod.PATCH,
            "/files/" + id,
            tus(ADMIN, "Content-Type", "application/offset+octet-stream"),
            io.vertx.core.buffer.Buffer.buffer("1"));
    assertEquals(400, noOffset.status());
    assertEquals("0", h.head(ADMIN, id).header("Upload-Offset"), "nothing was stored");
    assertEquals(404, h.head(ADMIN, "AAAAAAAAAAAAAAAAAAAAAAAA").status());
    assertEquals(404, h.head(ADMIN, "..%2F..%2Fetc").status());
    assertEquals(404, h.patch(ADMIN, "AAAAAAAAAAAAAAAAAAAAAAAA", 0, new byte[1]).status());
    Reply ok = h.patch(ADMIN, id, 0, "0123456789".getBytes());
    assertEquals(204, ok.status());
    assertEquals("10", ok.header("Upload-Offset"));
  }

  @Test
  @DisplayName("460 on a checksum mismatch leaves the offset unchanged; sha256 and md5 work too")
  void checksums() throws Exception {
    byte[] data = UploadHarness.random(7 << 20, 2);
    String id = h.create(ADMIN, data.length, null);
    byte[] first = Arrays.copyOfRange(data, 0, 6 << 20);
    Reply bad =
        h.patch(
            ADMIN,
            id,
            0,
            first,
            "Upload-Checksum",
            "sha1 " + UploadHarness.digest("SHA-1", data, 0, 10));
    assertEquals(460, bad.status(), bad.body());
    assertEquals("checksum_mismatch", bad.json().getString("error"));
    assertEquals("0", h.head(ADMIN, id).header("Upload-Offset"));
    Reply unsupported = h.patch(ADMIN, id, 0, first, "Upload-Checksum", "crc32 AAAA");
    assertEquals(400, unsupported.status());
    Reply good =
        h.patch(
            ADMIN,
            id,
            0,
            first,
            "Upload-Checksum",
            "sha256 " + UploadHarness.digest("SHA-256", data, 0, 6 << 20));
    assertEquals(204, good.status(), good.body());
    Reply badTail =
        h.patch(
            ADMIN,
            id,
            6 << 20,
            Arrays.copyOfRange(data, 6 << 20, data.length),
            "Upload-Checksum",
            "md5 " + UploadHarness.digest("MD5", data, 0, 5));
    assertEquals(460, badTail.status());
    assertEquals(String.valueOf(6 << 20), h.head(ADMIN, id).header("Upload-Offset"));
    Reply last =
        h.patch(
            ADMIN,
            id,
            6 << 20,
            Arrays.copyOfRange(data, 6 << 20, data.length),
            "Upload-Checksum",
            "md5 " + UploadHarness.digest("MD5", data, 6 << 20, data.length));
    assertEquals(204, last.status());
    assertArrayEquals(data, h.source(ADMIN, id));
  }

  @Test
  @DisplayName("creation-with-upload and creation-defer-length")
  void creationExtensions() throws Exception {
    byte[] data = UploadHarness.random(100_000, 3);
    Reply created =
        h.send(
            HttpMethod.POST,
            "/files/",
            tus(
                ADMIN,
                "Upload-Defer-Length",
                "1",
                "Content-Type",
                "application/offset+octet-stream"),
            io.vertx.core.buffer.Buffer.buffer(Arrays.copyOfRange(data, 0, 40_000)));
    assertEquals(201, created.status(), created.body());
    assertEquals("40000", created.header("Upload-Offset"));
    String location = created.header("Location");
    assertTrue(location.startsWith("http://127.0.0.1:" + h.port + "/files/"), location);
    String id = location.substring(location.lastIndexOf('/') + 1);
    Reply head = h.head(ADMIN, id);
    assertEquals("1", head.header("Upload-Defer-Length"));
    assertNull(head.header("Upload-Length"));
    Reply last =
        h.patch(
            ADMIN,
            id,
            40_000,
            Arrays.copyOfRange(data, 40_000, data.length),
            "Upload-Length",
            String.valueOf(data.length));
    assertEquals(204, last.status(), last.body());
    assertEquals("processing", h.video(id).getString("status"));
    assertArrayEquals(data, h.source(ADMIN, id));
  }

  @Test
  @DisplayName("an empty upload completes at once")
  void emptyUpload() throws Exception {
    String id = h.create(ADMIN, 0, null);
    Reply r = h.patch(ADMIN, id, 0, new byte[0]);
    assertEquals(204, r.status(), r.body());
    assertEquals("processing", h.video(id).getString("status"));
    assertEquals(0, h.source(ADMIN, id).length);
  }

  @Test
  @DisplayName("one keep-alive connection serves creation, errors and HEAD in a row")
  void keepAliveConnectionReused() throws Exception {
    io.vertx.core.http.HttpClient one =
        h.vertx.createHttpClient(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(1));
    try {
      String[][] requests = {
        {"POST", "10"}, {"POST", "-1"}, {"POST", "10"}, {"OPTIONS", null}, {"POST", "10"}
      };
      for (String[] r : requests) {
        io.vertx.core.http.RequestOptions options =
            new io.vertx.core.http.RequestOptions()
                .setMethod(HttpMethod.valueOf(r[0]))
                .setHost("127.0.0.1")
                .setPort(h.port)
                .setURI("/files/");
        tus(ADMIN).forEach(options::putHeader);
        if (r[1] != null) {
          options.putHeader("Upload-Length", r[1]);
        }
        int status =
            one.request(options)
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .await(5, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(status == 201 || status == 400 || status == 204, r[0] + " " + status);
      }
    } finally {
      one.close();
    }
  }
}
