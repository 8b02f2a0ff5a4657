package io.reelay.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.StatObjectArgs;
import io.reelay.hls.HlsParser;
import io.reelay.hls.MediaPlaylist;
import io.reelay.hls.Segment;
import io.reelay.live.LiveKeys;
import io.reelay.platform.RedisSettings;
import io.reelay.storage.ObjectStore;
import io.reelay.testing.FfmpegPublisher;
import io.reelay.testing.HlsJsPlayer;
import io.reelay.testing.TestMedia;
import io.reelay.transcode.TranscodeDispatchVerticle;
import io.reelay.transcode.TranscodeWorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Live ABR end to end: ffmpeg publishes over RTMP into the real ingest, every source segment
 * becomes a Kafka job on the live topic, a real transcode worker encodes the rungs, and the
 * delivery serves them from Redis; archived rung segments land in the real S3.
 */
class LiveAbrTest {

  @Test
  @DisplayName(
      "a 540p feed gets 480p and 360p rungs: listed in the master, decodable by ffmpeg, "
          + "segment boundaries and tfdt equal to the source's, archived to S3")
  void rungsFollowTheSource() throws Exception {
    try (LiveServer server = new LiveServer(new JsonObject().put("graceSeconds", 2))) {
      deployWorkers(server, patient());
      JsonObject stream = server.createStream("abr");
      String id = stream.getString("id");
      try (FfmpegPublisher ffmpeg =
          FfmpegPublisher.start(server.rtmp(stream.getString("key")), 60, "960x540")) {
        String master = server.await("/live/" + id + "/master.m3u8", "360p/index.m3u8", 90_000);
        server.await("/live/" + id + "/master.m3u8", "480p/index.m3u8", 30_000);
        assertTrue(master.contains("RESOLUTION=640x360"), master);
        assertTrue(master.contains("FRAME-RATE="), master);
        assertTrue(master.contains("AVERAGE-BANDWIDTH="), master);
        assertTrue(master.contains("source/index.m3u8"), master);
        String mpd = server.get("/live/" + id + "/manifest.mpd").body();
        assertTrue(mpd.contains("id=\"360p\"") && mpd.contains("id=\"480p\""), mpd);
        // hls.js with the download capped below the source's bit rate plays a rung, no errors.
        // The cap leaves room for the 360p rung plus the audio rendition (~0.86 Mb/s by the
        // master's BANDWIDTH) and the playlist reloads: at 900 kb/s it could never buffer.
        JsonObject played =
            HlsJsPlayer.play(
                    server.base() + "/live/" + id + "/master.m3u8", 16, "{\"throttleKbps\":1500}")
                .result(120);
        assertEquals(List.of(), played.getJsonArray("errors").getList(), played.encode());
        assertTrue(played.getJsonArray("levels").size() >= 3, played.encode());
        assertTrue(
            played.getJsonArray("heightsLoaded").contains(360)
                || played.getJsonArray("heightsLoaded").contains(480),
            "a rung was played: " + played.encode());
        assertTrue(played.getDouble("played") > 0, "playback advanced: " + played.encode());
        // The web app's own live page under the same cap: its player holds the source at start
        // but lets go when the buffer runs low, so it too ends up on a rung, without errors.
        JsonObject webApp =
            HlsJsPlayer.play(server.base() + "/live/" + id, 16, "{\"throttleKbps\":1500}")
                .result(120);
        assertEquals("web app", webApp.getString("player"), webApp.encode());
        assertEquals(List.of(), webApp.getJsonArray("errors").getList(), webApp.encode());
        assertTrue(
            webApp.getJsonArray("heightsLoaded").contains(360)
                || webApp.getJsonArray("heightsLoaded").contains(480),
            "the web app's player reached a rung: " + webApp.encode());
        assertTrue(webApp.getDouble("played") > 0, "playback advanced: " + webApp.encode());
        assertEquals(0, ffmpeg.waitFor(120), ffmpeg.log());
      }
      // The publisher is gone: once the grace period ends the playlists carry ENDLIST.
      String source = server.await("/live/" + id + "/source/index.m3u8", "#EXT-X-ENDLIST", 90_000);
      MediaPlaylist sourcePlaylist = HlsParser.parseMedia(source);
      Map<String, Segment> sourceByUri = new HashMap<>();
      sourcePlaylist.segments().forEach(s -> sourceByUri.put(s.uri(), s));
      ObjectStore s3 = new ObjectStore(server.vertx, server.config);
      // DVR: the playlist reaches back past the 30 s Redis window; the oldest segment has left
      // Redis and is served from the S3 archive.
      Segment oldest = sourcePlaylist.segments().get(0);
      assertTrue(
          oldest.programDateTime().isBefore(java.time.Instant.now().minusSeconds(31)),
          "the playlist reaches back beyond the Redis window:\n" + source);
      Redis redis = Redis.createClient(server.vertx, RedisSettings.options(server.config));
      Response cached =
          redis
              .send(
                  Request.cmd(Command.EXISTS)
                      .arg(LiveKeys.segment(id, "source", sourcePlaylist.mediaSequence())))
              .await(10, TimeUnit.SECONDS);
      assertEquals(0, cached.toInteger(), "the oldest segment has expired from Redis");
      HttpResponse<byte[]> old = server.bytes("/live/" + id + "/source/" + oldest.uri());
      assertEquals(200, old.statusCode());
      assertTrue(span(old.body())[1] > 0, "an archived segment with samples");
      for (String rung : List.of("480p", "360p")) {
        String text =
            server.await("/live/" + id + "/" + rung + "/index.m3u8", "#EXT-X-ENDLIST", 30_000);
        MediaPlaylist playlist = HlsParser.parseMedia(text);
        assertEquals(sourcePlaylist.mediaSequence(), playlist.mediaSequence(), text);
        int gaps = 0;
        int checked = 0;
        for (Segment s : playlist.segments()) {
          Segment src = sourceByUri.get(s.uri());
          assertTrue(src != null, "rung segment " + s.uri() + " has no source twin");
          assertEquals(src.duration(), s.duration(), 1e-6, s.uri());
          assertEquals(src.programDateTime(), s.programDateTime(), s.uri());
          if (s.gap()) {
            gaps++;
            continue;
          }
          byte[] rungBytes = server.bytes("/live/" + id + "/" + rung + "/" + s.uri()).body();
          byte[] sourceBytes = server.bytes("/live/" + id + "/source/" + s.uri()).body();
          long[] r = span(rungBytes);
          long[] v = span(sourceBytes);
          assertEquals(v[0], r[0], rung + " " + s.uri() + " tfdt");
          assertEquals(v[1], r[1], rung + " " + s.uri() + " duration");
          String object = "live/" + id + "/" + rung + "/" + s.uri();
          s3.client()
              .statObject(StatObjectArgs.builder().bucket(s3.bucket()).object(object).build());
          checked++;
        }
        assertTrue(gaps <= 1, rung + " has " + gaps + " gaps:\n" + text);
        assertTrue(checked >= 3, rung + ":\n" + text);
        String url = server.base() + "/live/" + id + "/" + rung + "/index.m3u8";
        TestMedia.Run run =
            TestMedia.run(List.of(TestMedia.ffmpeg(), "-v", "error", "-i", url, "-f", "null", "-"));
        assertEquals(0, run.exit(), run.err());
      }
    }
  }

  @Test
  @DisplayName(
      "workers too slow for the stream: the most expensive rung is dropped (API, master, metric), "
          + "the cheapest rung continues and the source stays on time")
  void slowWorkersDropTheMostExpensiveRung() throws Exception {
    try (LiveServer server = new LiveServer(new JsonObject().put("graceSeconds", 2))) {
      deployWorkers(
          server,
          new JsonObject()
              .put("liveX264Preset", "ultrafast")
              .put("liveExtraDelayMs", 4000)
              .put("liveDropLagMs", 3000));
      JsonObject stream = server.createStream("slow");
      String id = stream.getString("id");
      try (FfmpegPublisher ffmpeg =
          FfmpegPublisher.start(server.rtmp(stream.getString("key")), 30, "960x540")) {
        server.await("/api/streams/" + id, "\"480p\"", 90_000);
        String master = server.await("/live/" + id + "/master.m3u8", "360p/index.m3u8", 60_000);
        assertTrue(!master.contains("480p/index.m3u8"), master);
        JsonObject api = new JsonObject(server.get("/api/streams/" + id).body());
        assertEquals(List.of("480p"), api.getJsonArray("droppedRungs").getList(), api.encode());
        // The source rendition is not held up by the slow workers: its newest segment is recent.
        MediaPlaylist source =
            HlsParser.parseMedia(server.get("/live/" + id + "/source/index.m3u8").body());
        Segment last = source.segments().get(source.segments().size() - 1);
        assertTrue(
            last.programDateTime().isAfter(java.time.Instant.now().minusSeconds(8)),
            "source edge " + last.programDateTime());
        String metrics = server.get("/metrics").body();
        assertTrue(metrics.contains("reelay_live_rungs_dropped"), "the drop is counted");
        assertEquals(0, ffmpeg.waitFor(120), ffmpeg.log());
      }
    }
  }

  @Test
  @DisplayName(
      "a worker stopped mid-stream: the other worker takes the next segments, "
          + "at most one gap in the rung")
  void anotherWorkerTakesOver() throws Exception {
    try (LiveServer server = new LiveServer(new JsonObject().put("graceSeconds", 2))) {
      JsonObject config = patient().put("sessionTimeoutMs", 6000);
      String first = deployWorkers(server, config);
      deployWorker(server, config);
      JsonObject stream = server.createStream("failover");
      String id = stream.getString("id");
      try (FfmpegPublisher ffmpeg =
          FfmpegPublisher.start(server.rtmp(stream.getString("key")), 36, "854x480")) {
        server.await("/live/" + id + "/master.m3u8", "360p/index.m3u8", 90_000);
        Thread.sleep(4000);
        server.vertx.undeploy(first).await(60, TimeUnit.SECONDS);
        assertEquals(0, ffmpeg.waitFor(120), ffmpeg.log());
      }
      String text = server.await("/live/" + id + "/360p/index.m3u8", "#EXT-X-ENDLIST", 90_000);
      MediaPlaylist playlist = HlsParser.parseMedia(text);
      long gaps = playlist.segments().stream().filter(Segment::gap).count();
      assertTrue(gaps <= 1, gaps + " gaps:\n" + text);
      List<Segment> segs = playlist.segments();
      assertTrue(segs.size() >= 12, text);
      assertTrue(
          segs.subList(segs.size() - 5, segs.size()).stream().noneMatch(Segment::gap),
          "the remaining worker made the last segments:\n" + text);
    }
  }

  /**
   * Workers that never drop a rung and accept late jobs: on this shared, loaded machine a rung can
   * fall behind real time, which is not what these tests are about.
   */
  private static JsonObject patient() {
    return new JsonObject()
        .put("liveX264Preset", "ultrafast")
        .put("liveDropLagMs", 600_000)
        .put("liveMaxJobAgeMs", 60_000);
  }

  /** Deploys dispatch (it provisions the topics) and one worker; returns the worker's id. */
  private static String deployWorkers(LiveServer server, JsonObject workerConfig) throws Exception {
    JsonObject node = new JsonObject().put("reelay", server.config.toJson());
    server
        .vertx
        .deployVerticle(
            new TranscodeDispatchVerticle(), new DeploymentOptions().setConfig(node.copy()))
        .await(60, TimeUnit.SECONDS);
    return deployWorker(server, workerConfig);
  }

  private static String deployWorker(LiveServer server, JsonObject workerConfig) throws Exception {
    JsonObject node = new JsonObject().put("reelay", server.config.toJson());
    return server
        .vertx
        .deployVerticle(
            new TranscodeWorkerVerticle(),
            new DeploymentOptions()
                .setThreadingModel(ThreadingModel.WORKER)
                .setConfig(node.copy().mergeIn(workerConfig)))
        .await(60, TimeUnit.SECONDS);
  }

  /** [tfdt of the first fragment, sum of all trun sample durations] of a CMAF segment. */
  static long[] span(byte[] seg) {
    ByteBuffer bb = ByteBuffer.wrap(seg);
    long tfdt = -1;
    long total = 0;
    for (int i = 4; i + 4 < seg.length; i++) {
      String type = new String(seg, i, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      if (type.equals("tfdt") && tfdt < 0) {
        tfdt = seg[i + 4] == 1 ? bb.getLong(i + 8) : bb.getInt(i + 8) & 0xFFFFFFFFL;
      } else if (type.equals("trun")) {
        int flags = bb.getInt(i + 4) & 0xFFFFFF;
        int count = bb.getInt(i + 8);
        int p = i + 12 + ((flags & 0x01) != 0 ? 4 : 0) + ((flags & 0x04) != 0 ? 4 : 0);
        int stride = Integer.bitCount(flags & 0xF00) * 4;
        for (int k = 0; k < count; k++, p += stride) {
          total += bb.getInt(p) & 0xFFFFFFFFL;
        }
        i = p - 1;
      }
    }
    return new long[] {tfdt, total};
  }
}
