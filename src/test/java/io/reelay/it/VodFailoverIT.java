package io.reelay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar end to end: a presigned upload becomes a playable video, while a second,
 * worker-only process is killed (SIGKILL) in the middle of a chunk job. Its uncommitted job moves
 * to the surviving worker after the session timeout and is redone; the result has every segment
 * once.
 */
class VodFailoverIT {
  static final String TOKEN = "it-token";
  static final String DISPATCH =
      "{\"x264Preset\":\"veryfast\",\"segmentSeconds\":2,\"segmentsPerChunk\":2,"
          + "\"rungs\":[{\"name\":\"360p\",\"height\":360,\"bitrateKbps\":600},"
          + "{\"name\":\"240p\",\"height\":240,\"bitrateKbps\":300}]}";
  static final String WORKER = "{\"sessionTimeoutMs\":6000}";

  @Test
  @DisplayName("upload → ready with a worker process killed mid-job: the job is redone elsewhere")
  void workerKilledMidJob(@TempDir Path tmp) throws Exception {
    Path src = tmp.resolve("upload.mp4");
    TestMedia.Run made =
        TestMedia.run(
            List.of(
                TestMedia.ffmpeg(),
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=s=640x360:r=25:d=16",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:sample_rate=48000:d=16",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                src.toString()));
    assertEquals(0, made.exit(), made.err());

    Path mainDir = tmp.resolve("main");
    Map<String, String> mainEnv =
        Map.of(
            "REELAY_ADMIN_TOKEN", TOKEN,
            "REELAY_TRANSCODE_DISPATCH_CONFIG", DISPATCH,
            "REELAY_TRANSCODE_WORKER_CONFIG", WORKER);
    try (ReelayProcess main = ReelayProcess.start(mainDir, mainEnv)) {
      main.awaitHealthy(Duration.ofSeconds(120));
      Map<String, String> workerEnv = ReelayProcess.sharedServicesEnv(mainDir);
      workerEnv.put("REELAY_ROLES", "worker");
      workerEnv.put("REELAY_ADMIN_TOKEN", TOKEN);
      workerEnv.put("REELAY_TRANSCODE_WORKER_CONFIG", WORKER);
      try (ReelayProcess doomed = ReelayProcess.start(tmp.resolve("worker"), workerEnv)) {
        assertTrue(
            doomed.waitForLine("reelay: ready", Duration.ofSeconds(90)),
            String.join("\n", doomed.output()));
        // Let the group rebalance so the second worker owns half of the job partitions.
        TimeUnit.SECONDS.sleep(8);
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + main.httpPort;
        String id = upload(http, base, src);

        assertTrue(
            doomed.waitForLine("started (attempt 1)", Duration.ofSeconds(120)),
            "the second worker never got a job:\n" + String.join("\n", doomed.output()));
        String line =
            doomed.output().stream()
                .filter(l -> l.contains("started (attempt 1)"))
                .findFirst()
                .get();
        Matcher m = Pattern.compile("job (\\S+) started").matcher(line);
        assertTrue(m.find(), line);
        String killedJob = m.group(1);
        doomed.process().destroyForcibly(); // SIGKILL: no commit, no goodbye to the group
        doomed.process().waitFor(10, TimeUnit.SECONDS);

        JsonObject video = awaitDone(http, base, id, Duration.ofSeconds(240));
        assertEquals("ready", video.getString("status"), video.encodePrettily());
        assertTrue(
            main.output().stream().anyMatch(l -> l.contains("job " + killedJob + " done")),
            "the killed job " + killedJob + " was redone by the surviving worker");

        for (String rung : List.of("360p", "240p")) {
          String pl = get(http, base + "/vod/" + id + "/" + rung + "/index.m3u8");
          Matcher seg = Pattern.compile("seg-(\\d{5})\\.m4s").matcher(pl);
          int expected = 0;
          while (seg.find()) {
            assertEquals(expected++, Integer.parseInt(seg.group(1)), pl);
          }
          assertEquals(8, expected, "16 s in 2 s segments, each once: " + pl);
        }
        TestMedia.Run play =
            TestMedia.run(
                List.of(
                    TestMedia.ffmpeg(),
                    "-v",
                    "error",
                    "-i",
                    base + video.getString("hls"),
                    "-map",
                    "0",
                    "-f",
                    "null",
                    "-"));
        assertEquals(0, play.exit(), play.err());
        assertEquals(16.0, video.getDouble("duration"), 0.05);
      }
      main.terminate(Duration.ofSeconds(15));
    }
  }

  /** Presigned direct-to-S3 upload: presign, PUT the bytes to S3, complete. */
  static String upload(HttpClient http, String base, Path file) throws Exception {
    HttpResponse<String> presign =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/uploads/presign"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        new JsonObject()
                            .put("filename", "upload.mp4")
                            .put("size", Files.size(file))
                            .encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertTrue(presign.statusCode() / 100 == 2, presign.body());
    JsonObject p = new JsonObject(presign.body());
    HttpResponse<String> put =
        http.send(
            HttpRequest.newBuilder(URI.create(p.getString("url")))
                .PUT(HttpRequest.BodyPublishers.ofFile(file))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, put.statusCode(), put.body());
    String id = p.getString("videoId");
    HttpResponse<String> done =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/uploads/" + id + "/complete"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertTrue(done.statusCode() / 100 == 2, done.body());
    return id;
  }

  static JsonObject awaitDone(HttpClient http, String base, String id, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonObject v = null;
    while (System.nanoTime() < deadline) {
      v = new JsonObject(get(http, base + "/api/videos/" + id));
      if (List.of("ready", "failed").contains(v.getString("status"))) {
        return v;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    throw new AssertionError("not done: " + v);
  }

  static String get(HttpClient http, String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return r.body();
  }
}
