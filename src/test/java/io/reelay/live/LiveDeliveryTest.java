package io.reelay.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.hls.HlsParser;
import io.reelay.hls.MediaPlaylist;
import io.reelay.platform.RedisSettings;
import io.reelay.platform.ReelayVertx;
import io.reelay.testing.TestHttp;
import io.reelay.testing.TestMedia;
import io.reelay.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live window written to real Redis and served over HTTP, as players see it. */
class LiveDeliveryTest {
  private Vertx vertx;
  private Redis redis;
  private TestHttp http;
  private volatile io.vertx.core.Context publishContext;

  @BeforeEach
  void setUp() throws Exception {
    vertx = ReelayVertx.create();
    redis = Redis.createClient(vertx, RedisSettings.options(TestServices.config()));
    http = TestHttp.deploy(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private TestHttp.Reply get(String path) throws Exception {
    return http.get(path);
  }

  /**
   * Feeds the shared test source through segmenter and writer on a Vert.x context, in real time.
   */
  private LiveWindowWriter publish(String streamId, double segmentTarget, boolean realTime)
      throws Exception {
    TestMedia.Demuxed source = TestMedia.demux(TestMedia.sharedSource());
    LiveWindowWriter writer =
        new LiveWindowWriter(
            redis,
            streamId,
            segmentTarget,
            0.5,
            null,
            System.currentTimeMillis(),
            LiveWindowWriter.Settings.DEFAULT,
            null);
    LiveSegmenter segmenter =
        new LiveSegmenter(
            writer, Math.round(segmentTarget * 1000), 500, writer.nextMsn(), true, true);
    TestMedia.Stream v = source.video();
    TestMedia.Stream a = source.audio();
    io.vertx.core.Context ctx = vertx.getOrCreateContext();
    publishContext = ctx;
    ctx.runOnContext(
        x -> {
          segmenter.videoConfig(v.extradata(), v.width(), v.height());
          segmenter.audioConfig(a.extradata(), a.sampleRate(), a.channels());
        });
    long start = System.currentTimeMillis();
    for (TestMedia.Packet p : source.packets()) {
      TestMedia.Stream s = source.streams().get(p.stream());
      long dtsMs = 200 + Math.floorDiv(p.dts() * 1000L * s.tbNum(), s.tbDen());
      if (realTime) {
        long wait = start + dtsMs - 200 - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
      }
      ctx.runOnContext(
          x -> {
            if (s.video()) {
              int cts = (int) (Math.floorDiv(p.pts() * 1000L * s.tbNum(), s.tbDen()) + 200 - dtsMs);
              segmenter.video(dtsMs, cts, p.key(), p.data());
            } else {
              segmenter.audio(dtsMs, p.data());
            }
          });
    }
    ctx.runOnContext(x -> segmenter.finish());
    return writer;
  }

  @Test
  @DisplayName(
      "LL-HLS: master, media playlist with parts and preload hint, blocking reload, "
          + "too-far-ahead 400, Redis TTLs, and the ended stream decodes with ffmpeg")
  void lowLatencyHls(@TempDir Path dir) throws Exception {
    String id = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Thread publisher =
        new Thread(
            () -> {
              try {
                LiveWindowWriter w = publish(id, 1.0, true);
                Thread.sleep(300);
                // The writer is single-threaded: end it on the context that fed it.
                publishContext.runOnContext(x -> w.end());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    publisher.start();

    // Wait for the first part to appear, then check the playlists.
    TestHttp.Reply media = awaitPlaylist(id);
    TestHttp.Reply master = get("/live/" + id + "/master.m3u8");
    assertEquals(200, master.status());
    assertTrue(master.text().contains("#EXT-X-STREAM-INF"), master.text());
    assertTrue(master.text().contains("TYPE=AUDIO"), master.text());
    assertEquals("application/vnd.apple.mpegurl", media.headers().get("Content-Type"));
    assertTrue(media.text().contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES"), media.text());
    assertTrue(media.text().contains("#EXT-X-PART-INF:PART-TARGET="), media.text());
    assertTrue(media.text().contains("#EXT-X-PRELOAD-HINT:TYPE=PART"), media.text());

    // Blocking reload for the part after the newest one answers once it exists.
    MediaPlaylist now = HlsParser.parseMedia(media.text());
    long nextMsn = now.lastMediaSequence() + (now.trailingParts().isEmpty() ? 1 : 0);
    if (now.segments().isEmpty()) {
      nextMsn = now.mediaSequence();
    }
    int nextPart = now.trailingParts().size();
    long t0 = System.nanoTime();
    TestHttp.Reply blocked =
        get("/live/" + id + "/source/index.m3u8?_HLS_msn=" + nextMsn + "&_HLS_part=" + nextPart);
    long waitedMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(200, blocked.status(), blocked.text());
    assertEquals("no-store", blocked.headers().get("Cache-Control"));
    assertTrue(HlsParser.parseMedia(blocked.text()).satisfies(nextMsn, nextPart), blocked.text());
    assertTrue(waitedMs < 2000, "answered as the part landed, waited " + waitedMs + " ms");

    TestHttp.Reply ahead = get("/live/" + id + "/source/index.m3u8?_HLS_msn=" + (nextMsn + 10));
    assertEquals(400, ahead.status());
    assertEquals(400, get("/live/" + id + "/source/index.m3u8?_HLS_part=1").status());
    assertEquals(404, get("/live/" + id + "/source/seg-99999.m4s").status());
    assertEquals(404, get("/live/..%2F..%2Fetc/source/index.m3u8").status());

    RedisAPI api = RedisAPI.api(redis);
    long ttl =
        api.pttl(LiveKeys.part(id, "source", nextMsn, nextPart))
            .await(5, TimeUnit.SECONDS)
            .toLong();
    assertTrue(ttl > 0 && ttl <= 30_000, "parts expire with the window: " + ttl);

    publisher.join(30_000);
    TestHttp.Reply ended;
    long deadline = System.currentTimeMillis() + 10_000;
    do {
      Thread.sleep(100);
      ended = get("/live/" + id + "/source/index.m3u8");
    } while (!ended.text().contains("#EXT-X-ENDLIST") && System.currentTimeMillis() < deadline);
    assertTrue(ended.text().contains("#EXT-X-ENDLIST"), ended.text());

    // Everything still in the window decodes: init + listed segments, per rendition.
    for (String rendition : List.of("source", "audio")) {
      MediaPlaylist p =
          HlsParser.parseMedia(get("/live/" + id + "/" + rendition + "/index.m3u8").text());
      Buffer all = Buffer.buffer();
      all.appendBuffer(get("/live/" + id + "/" + rendition + "/" + p.map().uri()).body());
      for (var seg : p.segments()) {
        TestHttp.Reply r = get("/live/" + id + "/" + rendition + "/" + seg.uri());
        assertEquals(200, r.status(), seg.uri());
        assertTrue(r.headers().get("Cache-Control").contains("immutable"));
        all.appendBuffer(r.body());
      }
      Path file = dir.resolve(rendition + ".mp4");
      Files.write(file, all.getBytes());
      TestMedia.Run run = TestMedia.decode(file);
      assertEquals(0, run.exit(), run.err());
    }
    TestHttp.Reply range =
        get("/live/" + id + "/source/" + HlsParser.parseMedia(ended.text()).map().uri());
    assertEquals(200, range.status());

    TestHttp.Reply mpd = get("/live/" + id + "/manifest.mpd");
    assertEquals(200, mpd.status());
    assertTrue(mpd.text().contains("type=\"dynamic\""), mpd.text());
    assertTrue(mpd.text().contains("SegmentTimeline"), mpd.text());
  }

  @Test
  @DisplayName(
      "a blocking reload for a part that never comes gets 503 after three target durations")
  void blockingReloadTimesOut() throws Exception {
    String id = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    LiveWindowWriter w = publish(id, 1.0, false);
    Thread.sleep(1500);
    TestHttp.Reply media = get("/live/" + id + "/source/index.m3u8");
    assertEquals(200, media.status(), media.text());
    MediaPlaylist p = HlsParser.parseMedia(media.text());
    long next = p.lastMediaSequence() + 1;
    long t0 = System.nanoTime();
    TestHttp.Reply r = get("/live/" + id + "/source/index.m3u8?_HLS_msn=" + next + "&_HLS_part=0");
    long waited = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(503, r.status(), r.text());
    assertTrue(waited >= 2500 && waited < 6000, "waited " + waited + " ms");
    assertTrue(w.droppedWrites() == 0);
  }

  private TestHttp.Reply awaitPlaylist(String id) throws Exception {
    TestHttp.Reply media;
    long deadline = System.currentTimeMillis() + 10_000;
    do {
      Thread.sleep(100);
      media = get("/live/" + id + "/source/index.m3u8");
    } while (media.status() != 200 && System.currentTimeMillis() < deadline);
    assertEquals(200, media.status(), media.text());
    return media;
  }

  @Test
  @DisplayName(
      "media goes out as stored even to gzip clients (ETag, 304, Range intact); playlists gzip")
  void mediaIsNeverCompressed() throws Exception {
    String id = "g" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    publish(id, 1.0, false);
    awaitPlaylist(id);
    Thread.sleep(1500);
    Map<String, String> gzip = Map.of("Accept-Encoding", "gzip");
    TestHttp.Reply playlist =
        http.call(HttpMethod.GET, "/live/" + id + "/source/index.m3u8", null, gzip);
    assertEquals(200, playlist.status());
    assertEquals("gzip", playlist.headers().get("Content-Encoding"), "playlists compress");

    MediaPlaylist p = HlsParser.parseMedia(get("/live/" + id + "/source/index.m3u8").text());
    String segment = "/live/" + id + "/source/" + p.segments().get(0).uri();
    // the first from Redis, the second from the in-process cache
    List<TestHttp.Reply> zipped =
        List.of(
            http.call(HttpMethod.GET, segment, null, gzip),
            http.call(HttpMethod.GET, segment, null, gzip));
    TestHttp.Reply plain = get(segment);
    assertEquals(200, plain.status());
    for (TestHttp.Reply z : zipped) {
      assertEquals(200, z.status());
      assertNotEquals("gzip", z.headers().get("Content-Encoding"));
      assertEquals(plain.body(), z.body(), "the stored bytes, untouched");
      assertEquals(plain.headers().get("ETag"), z.headers().get("ETag"));
    }
    TestHttp.Reply notModified =
        http.call(
            HttpMethod.GET,
            segment,
            null,
            Map.of("Accept-Encoding", "gzip", "If-None-Match", plain.headers().get("ETag")));
    assertEquals(304, notModified.status());
    TestHttp.Reply range =
        http.call(
            HttpMethod.GET,
            segment,
            null,
            Map.of("Accept-Encoding", "gzip", "Range", "bytes=100-199"));
    assertEquals(206, range.status());
    assertNotEquals("gzip", range.headers().get("Content-Encoding"));
    assertEquals(plain.body().slice(100, 200), range.body());
  }

  @Test
  @DisplayName(
      "a plain reload right after a blocking reload lists the part it waited for (shared state"
          + " is refreshed on every change)")
  void plainReloadIsNeverBehindABlockingOne() throws Exception {
    String id = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Thread publisher =
        new Thread(
            () -> {
              try {
                publish(id, 1.0, true);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    publisher.start();
    MediaPlaylist now = HlsParser.parseMedia(awaitPlaylist(id).text());
    for (int i = 0; i < 6; i++) {
      long nextMsn = now.lastMediaSequence() + (now.trailingParts().isEmpty() ? 1 : 0);
      if (now.segments().isEmpty()) {
        nextMsn = now.mediaSequence();
      }
      int nextPart = now.trailingParts().size();
      TestHttp.Reply blocked =
          get("/live/" + id + "/source/index.m3u8?_HLS_msn=" + nextMsn + "&_HLS_part=" + nextPart);
      assertEquals(200, blocked.status(), blocked.text());
      TestHttp.Reply plain = get("/live/" + id + "/source/index.m3u8");
      assertEquals(200, plain.status());
      now = HlsParser.parseMedia(plain.text());
      assertTrue(
          now.satisfies(nextMsn, nextPart),
          "plain reload after blocking for " + nextMsn + "." + nextPart + ":\n" + plain.text());
    }
    publisher.join(30_000);
  }

  @Test
  @DisplayName(
      "hundreds of viewers asking for the same new segments at once all get them, from one Redis"
          + " read per segment")
  void concurrentViewersOfNewSegments() throws Exception {
    String id = "v" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    publish(id, 1.0, false);
    awaitPlaylist(id);
    Thread.sleep(1500);
    MediaPlaylist p = HlsParser.parseMedia(get("/live/" + id + "/source/index.m3u8").text());
    List<String> segments =
        p.segments().stream().limit(3).map(seg -> "/live/" + id + "/source/" + seg.uri()).toList();
    int viewers = 300;
    HttpClient client =
        vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(viewers));
    long getsBefore = redisGets();
    List<Future<Buffer>> replies = new java.util.ArrayList<>();
    for (int i = 0; i < viewers; i++) {
      for (String uri : segments) { // none of them fetched before: every request misses the cache
        replies.add(
            client
                .request(HttpMethod.GET, http.port, "127.0.0.1", uri)
                .compose(req -> req.send())
                .compose(
                    r ->
                        r.statusCode() == 200
                            ? r.body()
                            : Future.failedFuture(uri + " answered " + r.statusCode())));
      }
    }
    Future.all(replies).await(60, TimeUnit.SECONDS);
    long gets = redisGets() - getsBefore;
    // one shared read per segment (give or take a stray GET), not one per viewer
    assertTrue(
        gets <= segments.size() + 2, gets + " Redis GETs for " + replies.size() + " requests");
    List<Buffer> expected = new java.util.ArrayList<>();
    for (String uri : segments) {
      expected.add(get(uri).body());
    }
    for (int i = 0; i < replies.size(); i++) {
      assertEquals(
          expected.get(i % segments.size()),
          replies.get(i).result(),
          segments.get(i % segments.size()));
    }
  }

  /** GET commands Redis has served so far (INFO commandstats). */
  private long redisGets() throws Exception {
    String info =
        RedisAPI.api(redis).info(List.of("commandstats")).await(5, TimeUnit.SECONDS).toString();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("cmdstat_get:calls=(\\d+)").matcher(info);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
