package io.reelay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.testing.ReelayProcess;
import io.reelay.testing.TusJsClient;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tus-js-client against the packaged jar: a 1 GB upload with aborts, and a kill -9 mid-upload. */
class UploadIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Writes {@code size} pseudo-random bytes; returns their sha256. */
  private static String randomFile(Path file, long size, long seed) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Random random = new Random(seed);
    byte[] block = new byte[1 << 20];
    try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
      for (long left = size; left > 0; left -= block.length) {
        random.nextBytes(block);
        out.write(block, 0, (int) Math.min(block.length, left));
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** sha256 of the stored source, streamed from {@code GET /api/videos/{id}/source}. */
  private static String sourceSha256(int port, String token, String id) throws Exception {
    HttpResponse<InputStream> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/videos/" + id + "/source"))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = r.body()) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static JsonObject video(int port, String id) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/videos/" + id))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static String idOf(String url) {
    return url.substring(url.lastIndexOf('/') + 1);
  }

  @Test
  @DisplayName("tus-js-client: 1 GB aborted at 4 random offsets and resumed, byte-identical")
  void oneGigabyteWithAborts(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("big.bin");
    long size = 1L << 30;
    String sha = randomFile(file, size, 1);
    try (ReelayProcess reelay =
        ReelayProcess.start(tmp.resolve("data"), Map.of("REELAY_ADMIN_TOKEN", "it-token"))) {
      reelay.awaitHealthy(Duration.ofSeconds(90));
      long start = System.nanoTime();
      try (TusJsClient client =
          TusJsClient.upload(
              "http://127.0.0.1:" + reelay.httpPort + "/files/", file, "it-token", 4, 3)) {
        JsonObject done = client.await("done", Duration.ofMinutes(10));
        System.out.println(
            "1 GB with 4 aborts: "
                + done.encode()
                + " ("
                + Duration.ofNanos(System.nanoTime() - start).toMillis()
                + " ms)");
        assertEquals(
            4,
            client.events().stream().filter(e -> "aborted".equals(e.getString("event"))).count(),
            String.join("\n", client.lines()));
        String id = idOf(done.getString("url"));
        assertEquals("processing", video(reelay.httpPort, id).getString("status"));
        assertEquals(sha, sourceSha256(reelay.httpPort, "it-token", id));
      }
      reelay.terminate(Duration.ofSeconds(15));
    }
  }

  @Test
  @DisplayName(
      "kill -9 mid-upload, restart on the same data dir: tus-js-client resumes and finishes")
  void resumesAfterKill(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("clip.bin");
    long size = 200L << 20;
    String sha = randomFile(file, size, 2);
    Path data = tmp.resolve("data");
    int port = ReelayProcess.freePort();
    Map<String, String> env =
        Map.of("REELAY_ADMIN_TOKEN", "it-token", "REELAY_HTTP_PORT", String.valueOf(port));
    ReelayProcess first = ReelayProcess.start(data, env);
    first.awaitHealthy(Duration.ofSeconds(90));
    try (TusJsClient client =
        TusJsClient.upload("http://127.0.0.1:" + port + "/files/", file, "it-token", 0, 1)) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (client.lastProgress() < size * 3 / 10 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
      assertTrue(client.lastProgress() >= size * 3 / 10, String.join("\n", client.lines()));
      first.process().destroyForcibly();
      assertTrue(first.process().waitFor(10, TimeUnit.SECONDS));
      System.out.println("killed at " + client.lastProgress() + " bytes sent");
      try (ReelayProcess second = ReelayProcess.start(data, env)) {
        second.awaitHealthy(Duration.ofSeconds(90));
        JsonObject done = client.await("done", Duration.ofMinutes(5));
        String id = idOf(done.getString("url"));
        // Every byte is durable once the client is done; if the restarted node's first completion
        // attempt failed, its sweeper finishes the job within seconds.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String status = video(port, id).getString("status");
        while (!"processing".equals(status) && System.nanoTime() < until) {
          TimeUnit.SECONDS.sleep(1);
          status = video(port, id).getString("status");
        }
        assertEquals("processing", status, String.join("\n", second.output()));
        assertEquals(sha, sourceSha256(port, "it-token", id));
        second.terminate(Duration.ofSeconds(15));
      }
    } finally {
      first.close();
    }
  }
}
