package io.reelay.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.vod.VodHarness;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web app end to end in headless Debian Chromium (playwright-core, {@code
 * src/test/player/webapp.mjs}) against the real stack in this JVM: accounts, tus upload through the
 * page, the VOD pipeline on real Kafka, Redis, S3 and FFmpeg, hls.js playback, positions and the
 * resume prompt across logout and login. The watch page's screenshot is kept at {@code
 * target/e2e/watch-page.png}.
 */
class WebAppEndToEndTest {
  static final Path PLAYER_DIR = Path.of("src/test/player");
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path SCREENSHOT = Path.of("target/e2e/watch-page.png");

  @TempDir static Path tmp;
  static VodHarness h;

  @BeforeAll
  static void start() throws Exception {
    assertTrue(
        Files.isExecutable(CHROMIUM),
        "the end-to-end test needs Debian chromium at " + CHROMIUM + " (apt-get install chromium)");
    if (!Files.isDirectory(PLAYER_DIR.resolve("node_modules/playwright-core"))) {
      Process npm =
          new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
              .directory(PLAYER_DIR.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(npm.waitFor(300, TimeUnit.SECONDS) && npm.exitValue() == 0, out);
    }
    h = new VodHarness();
  }

  @AfterAll
  static void stop() throws Exception {
    if (h != null) {
      h.close();
    }
  }

  @Test
  @DisplayName(
      "sign up, upload through the page, play, seek, pause, reload, log out, log in, resume")
  void viewerJourney() throws Exception {
    Path clip = VodHarness.clip(tmp, "journey.mp4", "320x240", 24);
    Files.createDirectories(SCREENSHOT.getParent());
    Files.deleteIfExists(SCREENSHOT);
    Process p =
        new ProcessBuilder(
                "node",
                "webapp.mjs",
                h.url(""),
                clip.toAbsolutePath().toString(),
                SCREENSHOT.toAbsolutePath().toString())
            .directory(PLAYER_DIR.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the browser script did not end");
    String last = out.substring(out.lastIndexOf('\n') + 1);
    System.out.println("web app journey: " + last);
    JsonObject r = new JsonObject(last);

    assertNull(r.getString("exception"), r.encode());
    assertNull(r.getString("pageError"), r.encode());
    // Only the expected refusals: "who am I" while logged out, and no saved position yet. A media
    // request or a position write that failed would show here.
    assertTrue(
        r.getJsonArray("failedRequests").stream()
            .map(String.class::cast)
            .allMatch(
                f ->
                    f.matches("401 GET http://[^/]+/api/me")
                        || f.matches("404 GET http://[^/]+/api/me/positions/[\\w-]+")),
        "unexpected failed requests: " + r.getJsonArray("failedRequests"));
    assertTrue(
        r.getJsonArray("progress").stream()
            .anyMatch(s -> ((JsonObject) s).getString("text").startsWith("Uploading")),
        "the upload page shows upload progress: " + r.getJsonArray("progress"));
    assertEquals(200, r.getInteger("madePrivate"), r.encode());
    assertEquals("private", r.getString("visibility"), r.encode());
    assertTrue(
        r.getString("hls").contains("?token="), "played through a signed URL: " + r.encode());
    assertTrue(r.getDouble("playedTo") > 1, r.encode());
    double paused = r.getDouble("pausedAt");
    assertTrue(paused >= r.getDouble("seekTarget"), "the seek took effect: " + r.encode());
    assertTrue(r.getString("promptAfterReload").contains("Resume at"), r.encode());
    assertEquals(401, r.getInteger("meAfterLogout"), "logged out: " + r.encode());
    int saved = (int) (Math.round(paused * 10) / 10.0); // the page saves tenths of a second
    String expected = String.format("Resume at %d:%02d?", saved / 60, saved % 60);
    assertTrue(r.getString("prompt").contains(expected), expected + " in " + r.encode());
    assertEquals(paused, r.getDouble("resumedAt"), 3.0, "resumes where it paused: " + r.encode());
    assertTrue(
        r.getDouble("playingAfterResume") > r.getDouble("resumedAt"),
        "and plays on: " + r.encode());
    assertTrue(Files.size(SCREENSHOT) > 10_000, "screenshot kept at " + SCREENSHOT);
  }
}
