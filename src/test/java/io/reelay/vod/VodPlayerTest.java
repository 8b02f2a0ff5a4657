package io.reelay.vod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real players on a transcoded video: hls.js and dash.js in headless Chromium ({@code
 * src/test/player/play.mjs}, npm dependencies pinned by its lockfile and installed with {@code npm
 * ci} when missing). Playback starts, a seek to 75 % continues, and a bandwidth cap makes the
 * player switch to a lower rung.
 */
class VodPlayerTest {
  static final Path PLAYER_DIR = Path.of("src/test/player");
  static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

  @TempDir static Path tmp;
  static VodHarness h;
  static String master;
  static String mpd;

  @BeforeAll
  static void transcode() throws Exception {
    // .ci/run installs Debian's chromium; a developer box without it skips rather than fails.
    assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + " (installed by .ci/run)");
    npmCi();
    h = new VodHarness();
    Path src =
        VodPipelineTest.ffmpegIn(
            tmp,
            "player.mp4",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=640x360:r=25:d=24",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:d=24",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-ac",
            "2");
    JsonObject ladder =
        VodPipelineTest.SMALL_LADDER.copy().put("allowAudioCopy", false).put("audioBitrate", 64000);
    JsonObject rec = h.await(h.submit(src, ladder), Duration.ofSeconds(240));
    assertEquals("ready", rec.getString("status"), rec.encode());
    master = h.url(rec.getJsonObject("media").getString("hls"));
    mpd = h.url(rec.getJsonObject("media").getString("dash"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (h != null) {
      h.close();
    }
  }

  static void npmCi() throws IOException, InterruptedException {
    if (Files.isDirectory(PLAYER_DIR.resolve("node_modules/playwright-core"))) {
      return;
    }
    Process p =
        new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
            .directory(PLAYER_DIR.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, "npm ci failed:\n" + out);
  }

  static JsonObject play(String kind, String url) throws Exception {
    Process p =
        new ProcessBuilder("node", "play.mjs", kind, url)
            .directory(PLAYER_DIR.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "player timed out");
    String last = out.substring(out.lastIndexOf('\n') + 1);
    System.out.println(kind + ": " + last);
    return new JsonObject(last);
  }

  static void checkPlayback(JsonObject r) {
    assertNull(r.getString("exception"), r.encode());
    assertNull(r.getString("pageError"), r.encode());
    assertEquals(new JsonArray(), r.getJsonArray("errors"), r.encode());
    assertTrue(r.getBoolean("started"), "playback starts: " + r.encode());
    assertEquals(24.0, r.getDouble("duration"), 0.2, r.encode());
    assertTrue(r.getBoolean("switchedDown"), "switches down under a cap: " + r.encode());
    assertTrue(r.getBoolean("continuedAfterSeek"), "plays on after a seek to 75 %: " + r.encode());
    assertFalse(r.getJsonArray("levels").isEmpty(), r.encode());
  }

  @Test
  @DisplayName("hls.js: starts, switches down under a bandwidth cap, seeks to 75 % and plays on")
  void hlsJs() throws Exception {
    JsonObject r = play("hls", master);
    checkPlayback(r);
    assertEquals(List.of(144, 240, 360), r.getJsonArray("rungs").getList());
  }

  @Test
  @DisplayName("dash.js: starts, switches down under a bandwidth cap, seeks to 75 % and plays on")
  void dashJs() throws Exception {
    checkPlayback(play("dash", mpd));
  }
}
