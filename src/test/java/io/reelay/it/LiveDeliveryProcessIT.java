package io.reelay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.hls.HlsParser;
import io.reelay.hls.MediaPlaylist;
import io.reelay.testing.FfmpegPublisher;
import io.reelay.testing.ReelayProcess;
import io.reelay.testing.TestMedia;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar: one process ingests, a delivery-only process serves the stream from Redis. */
class LiveDeliveryProcessIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> call(int port, String method, String path, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer it-token")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String await(int port, String path, String needle, long ms) throws Exception {
    long deadline = System.currentTimeMillis() + ms;
    HttpResponse<String> r = null;
    while (System.currentTimeMillis() < deadline) {
      r = call(port, "GET", path, null);
      if (r.statusCode() == 200 && r.body().contains(needle)) {
        return r.body();
      }
      Thread.sleep(200);
    }
    throw new AssertionError(path + " never had " + needle + ": " + (r == null ? "" : r.body()));
  }

  @Test
  @DisplayName("a delivery-only process serves a stream another process ingests, from Redis")
  void deliveryOnlyProcessServesTheLiveStream(@TempDir Path tmp) throws Exception {
    Path mainDir = tmp.resolve("main");
    int rtmpPort = ReelayProcess.freePort();
    Map<String, String> mainEnv =
        Map.of(
            "REELAY_ADMIN_TOKEN", "it-token",
            "REELAY_RTMP_PORT", String.valueOf(rtmpPort),
            "REELAY_LIVE_GRACE", "2");
    try (ReelayProcess main = ReelayProcess.start(mainDir, mainEnv)) {
      main.awaitHealthy(Duration.ofSeconds(90));
      Map<String, String> env = ReelayProcess.sharedServicesEnv(mainDir);
      env.put("REELAY_ROLES", "delivery");
      env.put("REELAY_ADMIN_TOKEN", "it-token");
      try (ReelayProcess delivery = ReelayProcess.start(tmp.resolve("delivery"), env)) {
        delivery.awaitHealthy(Duration.ofSeconds(60));
        HttpResponse<String> created =
            call(main.httpPort, "POST", "/api/streams", "{\"title\":\"it\"}");
        assertEquals(201, created.statusCode(), created.body());
        JsonObject c = new JsonObject(created.body());
        String id = c.getString("id");
        try (FfmpegPublisher ff =
            FfmpegPublisher.start(
                "rtmp://127.0.0.1:" + rtmpPort + "/live/" + c.getString("key"), 14, "320x240")) {
          String media = "/live/" + id + "/source/index.m3u8";
          long deadline = System.currentTimeMillis() + 20_000;
          MediaPlaylist p = null;
          while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = call(delivery.httpPort, "GET", media, null);
            if (r.statusCode() == 200) {
              p = HlsParser.parseMedia(r.body());
              if (p.segments().size() >= 2) {
                break;
              }
            }
            Thread.sleep(200);
          }
          assertTrue(p != null && p.segments().size() >= 2, "delivery process lists segments");
          assertTrue(
              call(delivery.httpPort, "GET", "/live/" + id + "/master.m3u8", null)
                  .body()
                  .contains("#EXT-X-STREAM-INF"));
          TestMedia.Run read =
              TestMedia.run(
                  List.of(
                      TestMedia.ffmpeg(),
                      "-v",
                      "error",
                      "-xerror",
                      "-i",
                      "http://127.0.0.1:" + delivery.httpPort + "/live/" + id + "/master.m3u8",
                      "-t",
                      "3",
                      "-f",
                      "null",
                      "-"));
          assertEquals(0, read.exit(), read.err());
          assertEquals(
              "live",
              new JsonObject(call(delivery.httpPort, "GET", "/api/streams/" + id, null).body())
                  .getString("state"));
          assertEquals(0, ff.waitFor(60), ff.log());
          await(delivery.httpPort, media, "#EXT-X-ENDLIST", 20_000);
        }
        delivery.terminate(Duration.ofSeconds(10));
      }
      main.terminate(Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName("an ingest process killed with SIGKILL: a surviving ingest ends its stream")
  void killedIngestsStreamEnds(@TempDir Path tmp) throws Exception {
    Path mainDir = tmp.resolve("main");
    Map<String, String> mainEnv =
        Map.of("REELAY_ADMIN_TOKEN", "it-token", "REELAY_LIVE_GRACE", "2");
    try (ReelayProcess main = ReelayProcess.start(mainDir, mainEnv)) {
      main.awaitHealthy(Duration.ofSeconds(90));
      int rtmpPort = ReelayProcess.freePort();
      Map<String, String> env = ReelayProcess.sharedServicesEnv(mainDir);
      // With delivery too, only so that /health says when its ingest is up.
      env.put("REELAY_ROLES", "ingest,delivery");
      env.put("REELAY_RTMP_PORT", String.valueOf(rtmpPort));
      env.put("REELAY_LIVE_GRACE", "2");
      HttpResponse<String> created =
          call(main.httpPort, "POST", "/api/streams", "{\"title\":\"orphan\"}");
      assertEquals(201, created.statusCode(), created.body());
      JsonObject c = new JsonObject(created.body());
      String id = c.getString("id");
      String media = "/live/" + id + "/source/index.m3u8";
      try (ReelayProcess ingest = ReelayProcess.start(tmp.resolve("ingest"), env);
          FfmpegPublisher ff = startWhenListening(ingest, rtmpPort, c.getString("key"))) {
        await(main.httpPort, media, "#EXTINF", 30_000);
        assertEquals("live", state(main.httpPort, id));
        ingest.process().destroyForcibly();
        assertTrue(ingest.process().waitFor(10, TimeUnit.SECONDS));
        // Lock TTL (6 s) + grace (2 s) + sweeps: well within a minute even on a loaded box.
        await(main.httpPort, media, "#EXT-X-ENDLIST", 60_000);
        assertEquals("ended", state(main.httpPort, id));
        MediaPlaylist ended = HlsParser.parseMedia(call(main.httpPort, "GET", media, null).body());
        assertTrue(!ended.segments().isEmpty(), "the ended playlist keeps its segments");
        assertNotEquals(0, ff.waitFor(30), "the publisher lost its server");
      }
      main.terminate(Duration.ofSeconds(10));
    }
  }

  private static FfmpegPublisher startWhenListening(ReelayProcess p, int port, String key)
      throws Exception {
    p.awaitHealthy(Duration.ofSeconds(60));
    return FfmpegPublisher.start("rtmp://127.0.0.1:" + port + "/live/" + key, 60, "320x240");
  }

  private static String state(int port, String id) throws Exception {
    return new JsonObject(call(port, "GET", "/api/streams/" + id, null).body()).getString("state");
  }
}
