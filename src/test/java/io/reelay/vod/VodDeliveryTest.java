package io.reelay.vod;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.bus.Topics;
import io.reelay.transcode.TranscodeMessages;
import io.reelay.transcode.media.ChunkPlan;
import io.reelay.transcode.media.Rational;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP delivery of a finished video, deletion, and a poison job. */
class VodDeliveryTest {
  @TempDir static Path tmp;
  static VodHarness h;
  static String id;
  static Path source;

  @BeforeAll
  static void start() throws Exception {
    h = new VodHarness();
    source =
        VodPipelineTest.ffmpegIn(
            tmp,
            "delivery.mp4",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=320x240:r=25:d=4",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:d=4",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac");
    id = h.submit(source, VodPipelineTest.SMALL_LADDER);
    assertEquals("ready", h.await(id, Duration.ofSeconds(120)).getString("status"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (h != null) {
      h.close();
    }
  }

  static String seg() {
    return "/vod/" + id + "/240p/seg-00001.m4s";
  }

  @Test
  @DisplayName("segments: type, immutable caching, ETag → 304, Range → 206 and 416, CORS")
  void segments() throws Exception {
    HttpResponse<byte[]> full = h.get(seg(), "Origin", "http://player.test");
    assertEquals(200, full.statusCode());
    assertEquals("video/iso.segment", full.headers().firstValue("content-type").orElse(""));
    assertEquals(VodMediaModule.IMMUTABLE, full.headers().firstValue("cache-control").orElse(""));
    assertEquals("*", full.headers().firstValue("access-control-allow-origin").orElse(""));
    assertTrue(full.body().length > 1000);
    String etag = full.headers().firstValue("etag").orElseThrow();

    HttpResponse<byte[]> cached = h.get(seg(), "If-None-Match", etag);
    assertEquals(304, cached.statusCode());
    assertEquals(0, cached.body().length);

    HttpResponse<byte[]> part = h.get(seg(), "Range", "bytes=100-199");
    assertEquals(206, part.statusCode());
    assertEquals(
        "bytes 100-199/" + full.body().length,
        part.headers().firstValue("content-range").orElse(""));
    assertArrayEquals(Arrays.copyOfRange(full.body(), 100, 200), part.body());

    HttpResponse<byte[]> tail = h.get(seg(), "Range", "bytes=-50");
    assertEquals(206, tail.statusCode());
    assertArrayEquals(
        Arrays.copyOfRange(full.body(), full.body().length - 50, full.body().length), tail.body());

    HttpResponse<byte[]> beyond = h.get(seg(), "Range", "bytes=" + (full.body().length + 10) + "-");
    assertEquals(416, beyond.statusCode());

    assertEquals(
        "video/mp4",
        h.get("/vod/" + id + "/240p/init.mp4").headers().firstValue("content-type").orElse(""));
    assertEquals(
        "audio/iso.segment",
        h.get("/vod/" + id + "/audio/seg-00000.m4s")
            .headers()
            .firstValue("content-type")
            .orElse(""));
    assertEquals(
        "image/jpeg",
        h.get("/vod/" + id + "/poster.jpg").headers().firstValue("content-type").orElse(""));
  }

  @Test
  @DisplayName(
      "media asked for again come from the process's cache, the same over HTTP/1.1 and h2c")
  void cachedMedia() throws Exception {
    String path = "/vod/" + id + "/240p/seg-00000.m4s";
    HttpResponse<byte[]> first = h.get(HttpClient.Version.HTTP_1_1, path);
    assertEquals(200, first.statusCode());
    for (HttpClient.Version version : HttpClient.Version.values()) {
      HttpResponse<byte[]> again = first;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!"HIT".equals(again.headers().firstValue(VodMediaModule.X_CACHE).orElse(""))
          && System.nanoTime() < deadline) {
        Thread.sleep(50); // stored off the event loop once the first response is out
        again = h.get(version, path);
      }
      assertEquals(
          "HIT", again.headers().firstValue(VodMediaModule.X_CACHE).orElse(""), "" + version);
      assertEquals(200, again.statusCode());
      assertArrayEquals(first.body(), again.body(), "" + version);
      assertEquals(first.headers().firstValue("etag"), again.headers().firstValue("etag"));
      assertEquals(
          String.valueOf(first.body().length),
          again.headers().firstValue("content-length").orElse(""));
      assertEquals("video/iso.segment", again.headers().firstValue("content-type").orElse(""));
      assertEquals(
          VodMediaModule.IMMUTABLE, again.headers().firstValue("cache-control").orElse(""));
      String etag = again.headers().firstValue("etag").orElseThrow();
      assertEquals(304, h.get(version, path, "If-None-Match", etag).statusCode());
    }
  }

  @Test
  @DisplayName("playlists: MIME types, gzip when accepted, short caching")
  void playlists() throws Exception {
    HttpResponse<byte[]> master = h.get("/vod/" + id + "/master.m3u8", "Accept-Encoding", "gzip");
    assertEquals(200, master.statusCode());
    assertEquals(
        "application/vnd.apple.mpegurl", master.headers().firstValue("content-type").orElse(""));
    assertEquals("gzip", master.headers().firstValue("content-encoding").orElse(""));
    assertEquals(
        VodMediaModule.VOD_PLAYLIST, master.headers().firstValue("cache-control").orElse(""));
    HttpResponse<byte[]> mpd = h.get("/vod/" + id + "/manifest.mpd");
    assertEquals("application/dash+xml", mpd.headers().firstValue("content-type").orElse(""));
    assertTrue(new String(mpd.body()).contains("SegmentTimeline"));
    HttpResponse<byte[]> iframes = h.get("/vod/" + id + "/240p/iframes.m3u8");
    assertTrue(new String(iframes.body()).contains("#EXT-X-I-FRAMES-ONLY"));
    assertTrue(new String(iframes.body()).contains("#EXT-X-BYTERANGE:"));
  }

  @Test
  @DisplayName("path tricks and unknown files: 400/404 as JSON with CORS, storage untouched")
  void badPaths() throws Exception {
    for (String p :
        List.of(
            "/vod/" + id + "/%2e%2e/%2e%2e/sources/x",
            "/vod/" + id + "/240p%2Fseg-00001.m4s",
            "/vod/" + id + "/240p/seg-00001.m4s%00",
            "/vod/" + id + "/" + "a".repeat(5000))) {
      HttpResponse<byte[]> r = h.get(p, "Origin", "http://player.test");
      // The router resolves %2e%2e itself (the path then leaves /vod/: 404); the rest is ours.
      assertTrue(r.statusCode() == 400 || r.statusCode() == 404, p + " " + r.statusCode());
      assertEquals("*", r.headers().firstValue("access-control-allow-origin").orElse(""), p);
      assertTrue(new JsonObject(new String(r.body())).containsKey("error"), p);
    }
    for (String p :
        List.of(
            "/vod/" + id + "/240p/seg-99999.m4s",
            "/vod/" + id + "/secret.txt",
            "/vod/nope/master.m3u8",
            "/vod/" + id + "/240p/../../x")) {
      HttpResponse<byte[]> r = h.get(p, "Origin", "http://player.test");
      assertTrue(r.statusCode() == 404 || r.statusCode() == 400, p + " " + r.statusCode());
      assertEquals("*", r.headers().firstValue("access-control-allow-origin").orElse(""), p);
    }
  }

  @Test
  @DisplayName("a poison job fails its video with the reason after bounded attempts; others finish")
  void poisonJob() throws Exception {
    // A video whose one chunk lies past the end of its source: no frame can ever be decoded.
    String poison = h.submit(source, VodPipelineTest.SMALL_LADDER);
    h.await(poison, Duration.ofSeconds(120));
    String bad = "p" + poison.substring(1);
    String key = "sources/" + poison + "/delivery.mp4";
    h.putRecord(bad, key, 1, "user-1");
    new VideoUpdates(h.redis).processing(bad).await(5, TimeUnit.SECONDS);
    Rational fps = Rational.of(25, 1);
    ChunkPlan.Chunk beyond = new ChunkPlan.Chunk(0, 0, 1, 10_000, 50, 50, fps);
    JsonObject planned = h.record(poison);
    assertEquals("ready", planned.getString("status"));
    JsonObject plan =
        new JsonObject()
            .put("videoId", bad)
            .put("jobs", new JsonArray().add("v00000"))
            .put("videoJobs", new JsonArray().add("v00000"))
            .put("maxAttempts", 2)
            .put("published", true);
    new VodState(h.redis).putPlan(bad, plan).await(5, TimeUnit.SECONDS);
    TranscodeMessages.TranscodeJob job =
        new TranscodeMessages.TranscodeJob(
            bad,
            "v00000",
            TranscodeMessages.JobKind.VIDEO,
            key,
            TranscodeMessages.ladderFromJson(
                new JsonObject()
                    .put(
                        "rungs",
                        new JsonArray()
                            .add(
                                new JsonObject()
                                    .put("name", "144p")
                                    .put("width", 192)
                                    .put("height", 144)
                                    .put("bitrate", 100000)
                                    .put("maxBitrate", 150000)
                                    .put("bufferSize", 200000)
                                    .put("profile", "high")))
                    .put("frameRate", new JsonObject().put("num", 25).put("den", 1))
                    .put("rotation", 0)
                    .put("x264Preset", "ultrafast")),
            beyond,
            2.0);
    h.send(Topics.CHUNK_JOBS, job.kafkaKey(), job.toJson());
    // Meanwhile an ordinary video goes through.
    String good = h.submit(source, VodPipelineTest.SMALL_LADDER);
    JsonObject failed = h.await(bad, Duration.ofSeconds(120));
    assertEquals("failed", failed.getString("status"), failed.encode());
    assertTrue(failed.getString("error").contains("after 2 attempts"), failed.getString("error"));
    assertTrue(failed.getString("error").contains("no video frames"), failed.getString("error"));
    assertEquals("ready", h.await(good, Duration.ofSeconds(120)).getString("status"));
  }

  @Test
  @DisplayName(
      "cached media: served while stale, renewed by one HEAD; dropped once the store lost it")
  void staleCachedMedia() throws Exception {
    String other = h.submit(source, VodPipelineTest.SMALL_LADDER);
    assertEquals("ready", h.await(other, Duration.ofSeconds(120)).getString("status"));
    String path = "/vod/" + other + "/240p/seg-00000.m4s";
    String key = VodKeys.key(other, "240p/seg-00000.m4s");
    ImmutableMediaCache cache =
        ImmutableMediaCache.shared(h.config.dataDir().resolve("cache/vod"), 0, 0, 0);
    HttpResponse<byte[]> first = h.get(path);
    assertEquals(200, first.statusCode());
    awaitTrue(() -> "HIT".equals(cacheHeader(h.get(path))), "cached after the first GET");

    cache.expire(key);
    HttpResponse<byte[]> stale = h.get(path);
    assertEquals("HIT", cacheHeader(stale), "a stale entry is still served");
    assertArrayEquals(first.body(), stale.body());
    awaitTrue(() -> !cache.stale(cache.get(key)), "renewed: the store still has it");

    h.removeObject(key);
    cache.expire(key);
    assertEquals("HIT", cacheHeader(h.get(path)), "served while the store is asked");
    awaitTrue(() -> cache.get(key) == null, "dropped: the store no longer has it");
    assertEquals(404, h.get(path).statusCode());
  }

  private static String cacheHeader(HttpResponse<byte[]> r) {
    return r.headers().firstValue(VodMediaModule.X_CACHE).orElse("");
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitTrue(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!check.ok()) {
      assertTrue(System.nanoTime() < deadline, "not within 10 s: " + what);
      Thread.sleep(50);
    }
  }

  @Test
  @DisplayName("DELETE /api/videos/{id}: needs the owner or an admin, removes the objects")
  void delete() throws Exception {
    String victim = h.submit(source, VodPipelineTest.SMALL_LADDER);
    assertEquals("ready", h.await(victim, Duration.ofSeconds(120)).getString("status"));
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(h.url("/api/videos/" + victim))).DELETE();
    assertEquals(401, h.http.send(req.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    HttpResponse<String> ok =
        h.http.send(
            req.header("Authorization", "Bearer test-admin-token").build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(204, ok.statusCode(), ok.body());
    assertEquals(404, h.get("/vod/" + victim + "/master.m3u8").statusCode());
    assertEquals(404, h.get("/vod/" + victim + "/240p/seg-00000.m4s").statusCode());
    assertNull(h.record(victim));
  }
}
