package io.reelay.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.testing.TusJsClient;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official tus-js-client against the routes in this JVM (the packaged jar: UploadIT). */
class TusJsClientTest {
  private static UploadHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = new UploadHarness(UploadHarness.settings());
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
  }

  /** Writes {@code size} pseudo-random bytes; returns their sha256. */
  static String randomFile(Path file, long size, long seed) throws Exception {
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

  @Test
  @DisplayName("tus-js-client: 40 MiB aborted at 3 random offsets and resumed, byte-identical")
  void abortsAndResumes(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("clip.bin");
    long size = (40L << 20) + 12345;
    String sha = randomFile(file, size, 11);
    try (TusJsClient client =
        TusJsClient.upload(
            "http://127.0.0.1:" + h.port + "/files/", file, "test-admin-token", 3, 7)) {
      JsonObject done = client.await("done", Duration.ofMinutes(3));
      long aborts =
          client.events().stream().filter(e -> "aborted".equals(e.getString("event"))).count();
      assertEquals(3, aborts, String.join("\n", client.lines()));
      String url = done.getString("url");
      String id = url.substring(url.lastIndexOf('/') + 1);
      assertEquals("processing", h.video(id).getString("status"));
      assertEquals("interop", h.video(id).getString("title"));
      assertEquals(sha, UploadHarness.sha256Hex(h.source(UploadHarness.ADMIN, id)));
      assertTrue(h.uploadedEvent(id).getLong("size") == size);
    }
  }
}
