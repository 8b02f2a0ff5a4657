package io.reelay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.hls.HlsParser;
import io.reelay.hls.MediaPlaylist;
import io.reelay.hls.Segment;
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

/**
 * The packaged jar, live ABR across processes: a second, worker-only process takes its share of a
 * live stream's rung jobs and is then killed (SIGKILL, no goodbye to the consumer group). The main
 * process's worker takes over the dead one's partitions after the session timeout and the rung goes
 * on to the end of the stream, with at most one gap.
 */
class LiveAbrFailoverIT {
  private static final String TOKEN = "it-token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  // Workers that keep every rung and take late jobs: on a loaded 2-core box a rung can fall
  // behind real time, which is not what this test is about (LiveAbrTest covers dropping).
  private static final String WORKER =
      new JsonObject()
          .put("sessionTimeoutMs", 6000)
          .put("liveX264Preset", "ultrafast")
          .put("liveDropLagMs", 600_000)
          .put("liveMaxJobAgeMs", 60_000)
          .encode();

  @Test
  @DisplayName("a worker process killed mid-stream: the other worker makes the rest of the rung")
  void workerProcessKilledMidStream(@TempDir Path tmp) throws Exception {
    int rtmpPort = ReelayProcess.freePort();
    Path mainDir = tmp.resolve("main");
    Map<String, String> mainEnv =
        Map.of(
            "REELAY_ADMIN_TOKEN",
            TOKEN,
            "REELAY_RTMP_PORT",
            String.valueOf(rtmpPort),
            "REELAY_LIVE_GRACE",
            "2",
            "REELAY_TRANSCODE_WORKER_CONFIG",
            WORKER);
    try (ReelayProcess main = ReelayProcess.start(mainDir, mainEnv)) {
      main.awaitHealthy(Duration.ofSeconds(120));
      Map<String, String> workerEnv = ReelayProcess.sharedServicesEnv(mainDir);
      workerEnv.put("REELAY_ROLES", "worker");
      workerEnv.put("REELAY_ADMIN_TOKEN", TOKEN);
      workerEnv.put("REELAY_TRANSCODE_WORKER_CONFIG", WORKER);
      String id;
      try (ReelayProcess doomed = ReelayProcess.start(tmp.resolve("worker"), workerEnv)) {
        assertTrue(
            doomed.waitForLine("reelay: ready", Duration.ofSeconds(120)),
            String.join("\n", doomed.output()));
        // Let the live group rebalance so the second worker owns part of the job partitions.
        TimeUnit.SECONDS.sleep(8);
        JsonObject stream =
            new JsonObject(call(main.httpPort, "POST", "/api/streams", "{\"title\":\"it\"}"));
        id = stream.getString("id");
        try (FfmpegPublisher ffmpeg =
            FfmpegPublisher.start(
                "rtmp://127.0.0.1:" + rtmpPort + "/live/" + stream.getString("key"),
                40,
                "854x480")) {
          // Jobs are keyed by segment number, so both workers get some within a few segments.
          assertTrue(
              doomed.waitForLine("first rung job on this worker", Duration.ofSeconds(60)),
              "the worker process never got a live job:\n" + String.join("\n", doomed.output()));
          doomed.process().destroyForcibly(); // SIGKILL
          doomed.process().waitFor(10, TimeUnit.SECONDS);
          assertEquals(0, ffmpeg.waitFor(120), ffmpeg.log());
        }
      }
      String text = await(main.httpPort, "/live/" + id + "/360p/index.m3u8", "#EXT-X-ENDLIST");
      MediaPlaylist playlist = HlsParser.parseMedia(text);
      List<Segment> segs = playlist.segments();
      long gaps = segs.stream().filter(Segment::gap).count();
      assertTrue(gaps <= 1, gaps + " gaps:\n" + text);
      assertTrue(segs.size() >= 15, "40 s in 2 s segments:\n" + text);
      assertTrue(
          segs.subList(segs.size() - 5, segs.size()).stream().noneMatch(Segment::gap),
          "the surviving worker made the last segments:\n" + text);
      assertTrue(
          main.output().stream().anyMatch(l -> l.contains("first rung job on this worker")),
          "the main process's worker made rungs too");
      // The rung decodes end to end, served by the main process.
      TestMedia.Run play =
          TestMedia.run(
              List.of(
                  TestMedia.ffmpeg(),
                  "-v",
                  "error",
                  "-i",
                  "http://127.0.0.1:" + main.httpPort + "/live/" + id + "/360p/index.m3u8",
                  "-f",
                  "null",
                  "-"));
      assertEquals(0, play.exit(), play.err());
      main.terminate(Duration.ofSeconds(15));
    }
  }

  private static String call(int port, String method, String path, String body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .method(
                    method,
                    body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() / 100 == 2, path + ": " + r.statusCode() + " " + r.body());
    return r.body();
  }

  private static String await(int port, String path, String needle) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    String last = "";
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      last = r.body();
      if (r.statusCode() == 200 && last.contains(needle)) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(path + " never had " + needle + ":\n" + last);
  }
}
