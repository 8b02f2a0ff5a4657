package io.reelay.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.livevod.LiveToVodVerticle;
import io.reelay.testing.FfmpegPublisher;
import io.reelay.testing.TestMedia;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live-to-VOD end to end: real FFmpeg publishes over RTMP into the real ingest (archive in the
 * embedded S3, lifecycle events on the embedded Kafka), the live-to-VOD verticle turns the ended
 * stream into a VOD, and FFmpeg plays that VOD's HLS and DASH from the real delivery.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LiveToVodTest {
  private static final Logger LOG = LoggerFactory.getLogger(LiveToVodTest.class);
  private static final long GRACE_S = 4;
  private static final double FPS = 30;
  private static LiveServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new LiveServer(new JsonObject().put("graceSeconds", GRACE_S));
    server
        .vertx
        .deployVerticle(
            new LiveToVodVerticle(),
            new DeploymentOptions()
                .setConfig(new JsonObject().put("reelay", server.config.toJson())))
        .await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** Waits for the stream's vodId, then for that video to be ready; returns the video JSON. */
  private static JsonObject readyVod(String streamId) throws Exception {
    String stream = server.await("/api/streams/" + streamId, "\"vodId\"", 60_000);
    String vodId = new JsonObject(stream).getString("vodId");
    String video = server.await("/api/videos/" + vodId, "\"status\":\"ready\"", 90_000);
    JsonObject v = new JsonObject(video);
    JsonObject ended = new JsonObject(server.get("/api/streams/" + streamId).body());
    long ms =
        Duration.between(
                Instant.parse(ended.getString("endedAt")), Instant.parse(v.getString("updatedAt")))
            .toMillis();
    LOG.info("live-to-VOD: stream {} ended → VOD {} ready in {} ms", streamId, vodId, ms);
    return v;
  }

  /** Decodes the video (and audio) of {@code url} to the end; frames counted per stream. */
  private static int[] decodeAll(String url) throws Exception {
    TestMedia.Run run =
        TestMedia.run(
            List.of(
                TestMedia.ffmpeg(),
                "-v",
                "error",
                "-xerror",
                "-i",
                url,
                "-map",
                "0:v:0",
                "-map",
                "0:a:0",
                "-f",
                "framemd5",
                "-"));
    assertEquals(0, run.exit(), url + ": " + run.err());
    int[] frames = new int[2];
    for (String line : run.out().split("\n")) {
      if (line.startsWith("0,")) {
        frames[0]++;
      } else if (line.startsWith("1,")) {
        frames[1]++;
      }
    }
    return frames;
  }

  @Test
  @DisplayName(
      "after the publisher stops: vodId appears, the video is ready, its HLS and DASH play to the"
          + " end in FFmpeg with the stream's duration, poster and storyboard are served")
  void endedStreamBecomesVod() throws Exception {
    JsonObject created = server.createStream("to vod");
    String id = created.getString("id");
    int seconds = 12;
    try (FfmpegPublisher ff =
        FfmpegPublisher.start(server.rtmp(created.getString("key")), seconds, "320x240")) {
      assertEquals(0, ff.waitFor(60), ff.log());
    }
    JsonObject video = readyVod(id);
    String vodId = video.getString("id");
    assertEquals("/vod/" + vodId + "/master.m3u8", video.getString("hls"));
    assertEquals("/vod/" + vodId + "/manifest.mpd", video.getString("dash"));
    assertEquals(seconds, video.getDouble("duration"), 2.0, video.encode());

    String media = server.get("/vod/" + vodId + "/source/index.m3u8").body();
    assertTrue(media.contains("#EXT-X-PLAYLIST-TYPE:VOD"), media);
    assertTrue(media.contains("#EXT-X-ENDLIST"), media);
    assertTrue(media.contains("#EXT-X-MAP:URI=\"init-"), media);

    int[] hls = decodeAll(server.base() + video.getString("hls"));
    assertEquals(seconds, hls[0] / FPS, 2.0, "HLS video frames " + hls[0]);
    assertTrue(hls[1] > 0, "HLS audio decoded");
    int[] dash = decodeAll(server.base() + video.getString("dash"));
    assertEquals(seconds, dash[0] / FPS, 2.0, "DASH video frames " + dash[0]);
    assertTrue(dash[1] > 0, "DASH audio decoded");

    HttpResponse<byte[]> poster = server.bytes(video.getString("thumbnail"));
    assertEquals(200, poster.statusCode());
    assertEquals(0xFF, poster.body()[0] & 0xFF, "a JPEG");
    assertEquals(0xD8, poster.body()[1] & 0xFF, "a JPEG");
    // The storyboard follows the ready VOD (it is the slow part).
    JsonObject withBoard =
        new JsonObject(server.await("/api/videos/" + vodId, "\"storyboard\":\"/vod/", 60_000));
    String vtt = server.get(withBoard.getString("storyboard")).body();
    assertTrue(vtt.startsWith("WEBVTT") && vtt.contains("sprite.jpg#xywh="), vtt);
    assertEquals(200, server.bytes("/vod/" + vodId + "/storyboard/sprite.jpg").statusCode());
  }

  @Test
  @DisplayName(
      "a reconnect within the grace period is one VOD with a discontinuity and a new EXT-X-MAP"
          + " that FFmpeg decodes through; a broadcast after the end is a new VOD")
  void reconnectIsOneVodWithDiscontinuity() throws Exception {
    JsonObject created = server.createStream("reconnect");
    String id = created.getString("id");
    String url = server.rtmp(created.getString("key"));
    try (FfmpegPublisher ff = FfmpegPublisher.start(url, 6, "320x240")) {
      assertEquals(0, ff.waitFor(60), ff.log());
    }
    try (FfmpegPublisher ff = FfmpegPublisher.start(url, 6, "320x240")) {
      assertEquals(0, ff.waitFor(60), ff.log());
    }
    JsonObject video = readyVod(id);
    String vodId = video.getString("id");
    String media = server.get("/vod/" + vodId + "/source/index.m3u8").body();
    assertTrue(media.contains("#EXT-X-DISCONTINUITY"), media);
    long maps = media.lines().filter(l -> l.startsWith("#EXT-X-MAP")).count();
    assertEquals(2, maps, media);
    String mpd = server.get(video.getString("dash")).body();
    assertTrue(mpd.split("<Period").length - 1 >= 2, "a Period per encoder session: " + mpd);

    int[] hls = decodeAll(server.base() + video.getString("hls"));
    assertEquals(12, hls[0] / FPS, 2.0, "decoded through the discontinuity: " + hls[0]);

    // Published again after the end: a new broadcast, a new VOD; the first one stays.
    try (FfmpegPublisher ff = FfmpegPublisher.start(url, 4, "320x240")) {
      assertEquals(0, ff.waitFor(60), ff.log());
    }
    long deadline = System.currentTimeMillis() + 60_000;
    String second = vodId;
    while (second.equals(vodId) && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
      String v = new JsonObject(server.get("/api/streams/" + id).body()).getString("vodId");
      second = v == null ? vodId : v;
    }
    assertNotEquals(vodId, second, "a new VOD for the new broadcast");
    JsonObject next = readyVod(id);
    assertEquals(4, next.getDouble("duration"), 2.0, next.encode());
    assertNotNull(server.await("/api/videos/" + vodId, "\"status\":\"ready\"", 5_000));
  }
}
