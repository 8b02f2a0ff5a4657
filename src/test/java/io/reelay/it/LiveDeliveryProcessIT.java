package io.reelay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
      JsonObject s = new JsonObject(Files.readString(mainDir.resolve("services.json")));
      Map<String, String> env = new HashMap<>();
      env.put("REELAY_ROLES", "delivery");
      env.put("REELAY_ADMIN_TOKEN", "it-token");
      env.put("REELAY_KAFKA_BOOTSTRAP", s.getString("kafkaBootstrap"));
      env.put("REELAY_REDIS_URL", s.getString("redisUrl"));
      env.put("REELAY_S3_ENDPOINT", s.getString("s3Endpoint"));
      env.put("REELAY_S3_ACCESS_KEY", Files.readString(mainDir.resolve("s3-access-key")).trim());
      env.put("REELAY_S3_SECRET_KEY", Files.readString(mainDir.resolve("s3-secret-key")).trim());
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
}
