package io.reelay.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.reelay.bus.Topics;
import io.reelay.hls.HlsParser;
import io.reelay.hls.MediaPlaylist;
import io.reelay.live.LiveKeys;
import io.reelay.platform.RedisSettings;
import io.reelay.testing.FfmpegPublisher;
import io.reelay.testing.HlsJsPlayer;
import io.reelay.testing.TestMedia;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real FFmpeg publishes into the real ingest; FFmpeg (HLS and DASH) and hls.js in Chromium read the
 * live output; Redis, S3 and Kafka are the real embedded servers.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LiveIngestTest {
  private static final long GRACE_S = 4;
  private static LiveServer server;
  private static RedisAPI redis;

  @BeforeAll
  static void start() throws Exception {
    server = new LiveServer(new JsonObject().put("graceSeconds", GRACE_S));
    redis = RedisAPI.api(Redis.createClient(server.vertx, RedisSettings.options(server.config)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static TestMedia.Run ffmpegReads(String url, int seconds) throws Exception {
    return TestMedia.run(
        List.of(
            TestMedia.ffmpeg(),
            "-v",
            "error",
            "-xerror",
            "-i",
            url,
            "-t",
            String.valueOf(seconds),
            "-f",
            "null",
            "-"));
  }

  private static long pttl(String key) throws Exception {
    return redis.pttl(key).await(5, TimeUnit.SECONDS).toLong();
  }

  /** True when the server closed the socket within the timeout (EOF or reset). */
  private static boolean closedByServer(Socket s, long timeoutMs) throws Exception {
    s.setSoTimeout((int) timeoutMs);
    InputStream in = s.getInputStream();
    byte[] buf = new byte[8192];
    long deadline = System.currentTimeMillis() + timeoutMs;
    try {
      while (System.currentTimeMillis() < deadline) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true;
    }
    return false;
  }

  @Test
  @DisplayName("an unknown stream key is refused: ffmpeg exits non-zero with the reason")
  void wrongKeyRefused() throws Exception {
    try (FfmpegPublisher ff = FfmpegPublisher.start(server.rtmp("rl_not-a-key"), 5, "320x240")) {
      int exit = ff.waitFor(30);
      assertNotEquals(0, exit, ff.log());
      assertTrue(ff.log().contains("unknown stream key"), ff.log());
    }
  }

  @Test
  @DisplayName(
      "a publisher far faster than real time is carried (socket paused on Redis backlog), "
          + "every segment listed and readable")
  void fasterThanRealTime() throws Exception {
    JsonObject created = server.createStream("fast");
    String id = created.getString("id");
    try (FfmpegPublisher ff =
        FfmpegPublisher.start(server.rtmp(created.getString("key")), 20, "320x240", false)) {
      assertEquals(0, ff.waitFor(60), ff.log());
    }
    String ended = server.await("/live/" + id + "/source/index.m3u8", "#EXT-X-ENDLIST", 20_000);
    MediaPlaylist p = HlsParser.parseMedia(ended);
    // 20 s in 2 s segments: the window lists the last 6, numbered up to 9.
    assertEquals(9, p.lastMediaSequence(), ended);
    for (var seg : p.segments()) {
      assertEquals(200, server.bytes("/live/" + id + "/source/" + seg.uri()).statusCode());
    }
    assertEquals(200, server.get("/health").statusCode());
  }

  @Test
  @DisplayName(
      "garbage instead of a handshake and a huge message length each close only their own"
          + " connection")
  void badPeersCloseOnlyThemselves() throws Exception {
    InetAddress lo = InetAddress.getLoopbackAddress();
    try (Socket garbage = new Socket(lo, server.rtmpPort)) {
      OutputStream out = garbage.getOutputStream();
      byte[] junk = new byte[4000];
      java.util.Arrays.fill(junk, (byte) 'G');
      out.write(junk);
      out.flush();
      assertTrue(closedByServer(garbage, 5000), "garbage handshake closes the connection");
    }
    try (Socket huge = new Socket(lo, server.rtmpPort)) {
      OutputStream out = huge.getOutputStream();
      byte[] hs = new byte[1 + 1536 + 1536];
      hs[0] = 3;
      out.write(hs);
      // Chunk header, fmt 0 on csid 3: a 16 MiB - 1 message of type 20 (AMF0 command).
      out.write(new byte[] {3, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 20, 0, 0, 0, 0});
      out.flush();
      assertTrue(closedByServer(huge, 5000), "a message beyond the limit closes the connection");
    }
    try (Socket silent = new Socket(lo, server.rtmpPort)) {
      assertTrue(closedByServer(silent, 14_000), "a silent peer is closed after the idle timeout");
    }
    assertEquals(200, server.get("/health").statusCode());
  }

  @Test
  @DisplayName(
      "ffmpeg publishes: live HLS + DASH read by ffmpeg, hls.js low-latency playback, Redis window,"
          + " stats, second publisher refused, reconnect continues with a discontinuity, ended after"
          + " grace, S3 archive, Kafka events")
  void liveEndToEnd() throws Exception {
    JsonObject created = server.createStream("end to end");
    String id = created.getString("id");
    String key = created.getString("key");
    String master = "/live/" + id + "/master.m3u8";
    assertEquals(
        "idle", new JsonObject(server.get("/api/streams/" + id).body()).getString("state"));

    try (FfmpegPublisher ff = FfmpegPublisher.start(server.rtmp(key), 26, "640x360")) {
      server.await(master, "#EXT-X-STREAM-INF", 15_000);
      // Low-latency mode with catch-up, as docs/benchmarks.md measures it.
      HlsJsPlayer player =
          HlsJsPlayer.play(server.base() + master, 12, "{\"maxLiveSyncPlaybackRate\":1.5}");

      // A second publisher on the same key is refused while the first is live.
      try (FfmpegPublisher second = FfmpegPublisher.start(server.rtmp(key), 5, "320x240")) {
        assertNotEquals(0, second.waitFor(30), second.log());
        assertTrue(second.log().contains("already being published"), second.log());
      }

      // A malformed peer meanwhile does not disturb the publisher.
      try (Socket garbage = new Socket(InetAddress.getLoopbackAddress(), server.rtmpPort)) {
        garbage.getOutputStream().write(new byte[] {(byte) 0xFF, 1, 2, 3, 4, 5});
        assertTrue(closedByServer(garbage, 5000));
      }

      // Readers without LL-HLS support need whole segments to start from.
      long deadline = System.currentTimeMillis() + 15_000;
      while (HlsParser.parseMedia(server.get("/live/" + id + "/audio/index.m3u8").body())
                  .segments()
                  .size()
              < 2
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
      }
      TestMedia.Run hls = ffmpegReads(server.base() + master, 4);
      assertEquals(0, hls.exit(), "ffmpeg reads the live HLS: " + hls.err());
      TestMedia.Run dash = ffmpegReads(server.base() + "/live/" + id + "/manifest.mpd", 4);
      assertEquals(0, dash.exit(), "ffmpeg reads the live DASH: " + dash.err());

      // The live window in Redis: parts and segments with the window TTL, the lock with its own.
      MediaPlaylist media =
          HlsParser.parseMedia(server.get("/live/" + id + "/source/index.m3u8").body());
      assertTrue(checkPartDurations(media) > 0, "video parts that are not independent");
      checkPartDurations(
          HlsParser.parseMedia(server.get("/live/" + id + "/audio/index.m3u8").body()));
      long last = media.lastMediaSequence();
      long segTtl = pttl(LiveKeys.segment(id, "source", last));
      assertTrue(segTtl > 0 && segTtl <= 30_000, "segment TTL " + segTtl);
      long partTtl = pttl(LiveKeys.part(id, "audio", last, 0));
      assertTrue(partTtl > 0 && partTtl <= 30_000, "part TTL " + partTtl);
      assertEquals(-1, pttl(LiveKeys.state(id)), "state has no TTL while live");
      long lockTtl = pttl("reelay:stream:" + id + ":publisher");
      assertTrue(lockTtl > 0 && lockTtl <= LiveLifecycle.LOCK_TTL_MS, "lock TTL " + lockTtl);

      JsonObject live = new JsonObject(server.get("/api/streams/" + id).body());
      assertEquals("live", live.getString("state"), live.encode());
      JsonObject ingest = live.getJsonObject("ingest");
      assertTrue(ingest != null && ingest.getLong("bitrate") > 50_000, live.encode());
      assertEquals(30.0, ingest.getDouble("frameRate"), 1.0, live.encode());
      assertEquals(2.0, ingest.getDouble("keyframeInterval"), 0.1, live.encode());
      assertTrue(ingest.getString("videoCodec").startsWith("avc1."), live.encode());
      // Who is live is public, without credentials, and never shows a key.
      String liveNow = server.get("/api/streams?state=live").body();
      assertTrue(liveNow.contains("\"" + id + "\""), liveNow);
      assertTrue(!liveNow.contains("rl_") && !liveNow.contains("keyHash"), liveNow);
      assertTrue(ingest.getString("audioCodec").startsWith("mp4a.40"), live.encode());
      assertEquals(640, ingest.getInteger("width"));

      String metrics = server.get("/metrics").body();
      assertTrue(metrics.contains("reelay_live_publishers"), "live metrics are exported");
      assertTrue(metrics.contains("reelay_live_ingest_bytes"), "live metrics are exported");

      JsonObject played = player.result(60);
      System.out.println("hls.js: " + played.encode());
      assertEquals(0, played.getInteger("exit"), played.encode());
      assertTrue(played.getBoolean("lowLatencyMode"), played.encode());
      assertTrue(played.getBoolean("playlistIsLowLatency"), played.encode());
      // A sanity bound, not the benchmark: encoders, readers and Chromium share two cores here.
      // Without parts hls.js sits 6-9 s behind (docs/benchmarks.md).
      assertTrue(played.getDouble("latency") < 5.0, "hls.js latency " + played.encode());

      assertEquals(0, ff.waitFor(60), ff.log());
    }

    // The publisher left; within the grace period it comes back and the playlist continues.
    String beforeReconnect = server.get("/live/" + id + "/source/index.m3u8").body();
    assertTrue(!beforeReconnect.contains("#EXT-X-ENDLIST"), beforeReconnect);
    assertEquals(
        "live", new JsonObject(server.get("/api/streams/" + id).body()).getString("state"));
    long lastBefore = HlsParser.parseMedia(beforeReconnect).lastMediaSequence();
    try (FfmpegPublisher again = FfmpegPublisher.start(server.rtmp(key), 6, "640x360")) {
      String after =
          server.await("/live/" + id + "/source/index.m3u8", "#EXT-X-DISCONTINUITY\n", 15_000);
      assertTrue(after.contains("init-1.mp4"), "the new session announces a new init: " + after);
      assertEquals(0, again.waitFor(60), again.log());
    }
    String ended = server.await("/live/" + id + "/source/index.m3u8", "#EXT-X-ENDLIST", 20_000);
    MediaPlaylist endedList = HlsParser.parseMedia(ended);
    assertTrue(endedList.lastMediaSequence() > lastBefore, ended);
    assertEquals(
        "ended", new JsonObject(server.get("/api/streams/" + id).body()).getString("state"));
    assertTrue(pttl(LiveKeys.state(id)) > 0, "the ended window's state expires");

    // Every segment and init went to S3 under deterministic keys.
    MinioClient s3 =
        MinioClient.builder()
            .endpoint(server.config.s3Endpoint().orElseThrow())
            .credentials(
                server.config.s3AccessKey().orElseThrow(),
                server.config.s3SecretKey().orElseThrow())
            .build();
    for (String object :
        List.of(
            LiveArchiver.initKey(id, "source", 0),
            LiveArchiver.initKey(id, "source", 1),
            LiveArchiver.initKey(id, "audio", 0),
            LiveArchiver.segmentKey(id, "source", 0),
            LiveArchiver.segmentKey(id, "audio", 0),
            LiveArchiver.segmentKey(id, "source", endedList.lastMediaSequence()))) {
      long size =
          s3.statObject(
                  StatObjectArgs.builder().bucket(server.config.s3Bucket()).object(object).build())
              .size();
      assertTrue(size > 0, object);
    }

    // Kafka: one started (the reconnect resumed the same stream) and one ended.
    List<String> types = new ArrayList<>();
    Properties p = new Properties();
    p.put("bootstrap.servers", server.config.kafkaBootstrap().orElseThrow());
    p.put("group.id", "live-test-" + id);
    p.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(Topics.STREAM_EVENTS));
      long deadline = System.currentTimeMillis() + 30_000;
      while (!types.contains("stream.ended") && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (id.equals(r.key())) {
            types.add(new JsonObject(r.value()).getString("type"));
          }
        }
      }
    }
    assertEquals(List.of("stream.started", "stream.ended"), types);
  }

  /**
   * rfc8216bis 4.4.4.9: every part lasts at most PART-TARGET, and at least 85 % of it unless it is
   * independent or the last of its segment. Returns how many parts the floor was checked on.
   */
  private static int checkPartDurations(MediaPlaylist media) {
    double target = media.partTarget();
    int checked = 0;
    for (io.reelay.hls.Segment s : media.segments()) {
      List<io.reelay.hls.Part> parts = s.parts();
      for (int i = 0; i < parts.size(); i++) {
        io.reelay.hls.Part p = parts.get(i);
        assertTrue(p.duration() <= target + 1e-6, p + " above PART-TARGET " + target);
        if (!p.independent() && i < parts.size() - 1) {
          assertTrue(p.duration() >= 0.85 * target - 1e-6, p + " under 85 % of " + target);
          checked++;
        }
      }
    }
    return checked;
  }
}
