package io.reelay.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * hls.js in headless Debian Chromium (driven by playwright-core), from {@code
 * src/test/live-player}. Installs the pinned npm packages with {@code npm ci} when they are
 * missing. Without Chromium the caller fails with a message saying how to get it: this test never
 * skips silently.
 */
public final class HlsJsPlayer {
  public static final Path DIR = Path.of("src/test/live-player");
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private final Process process;
  private final Path out;

  private HlsJsPlayer(Process process, Path out) {
    this.process = process;
    this.out = out;
  }

  /** Fails with a clear message unless Node, Chromium and the npm packages are ready. */
  public static synchronized void prepare() throws IOException, InterruptedException {
    if (!Files.isExecutable(CHROMIUM)) {
      throw new AssertionError(
          "hls.js playback needs Debian chromium at "
              + CHROMIUM
              + ": run .ci/run as root (it installs it) or apt-get install chromium");
    }
    if (!Files.isDirectory(DIR.resolve("node_modules/hls.js"))
        || !Files.isDirectory(DIR.resolve("node_modules/playwright-core"))) {
      Process npm =
          new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
              .directory(DIR.toFile())
              .redirectErrorStream(true)
              .start();
      String output = new String(npm.getInputStream().readAllBytes());
      if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
        throw new AssertionError("npm ci in " + DIR + " failed:\n" + output);
      }
    }
  }

  /**
   * Starts playing {@code masterUrl} for {@code seconds}; read the result with {@link #result}. A
   * URL that is not a playlist is a page of Reelay's web app, played by the app's own player.
   */
  public static HlsJsPlayer play(String masterUrl, int seconds)
      throws IOException, InterruptedException {
    return play(masterUrl, seconds, "{}");
  }

  /** As {@link #play(String, int)} with extra hls.js config (JSON) on top of lowLatencyMode. */
  public static HlsJsPlayer play(String masterUrl, int seconds, String hlsConfig)
      throws IOException, InterruptedException {
    prepare();
    Path out = Files.createTempFile("hlsjs", ".out");
    Process p =
        new ProcessBuilder(
                List.of("node", "play.mjs", masterUrl, String.valueOf(seconds), hlsConfig))
            .directory(DIR.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    return new HlsJsPlayer(p, out);
  }

  /** The player's JSON report (errors, latency, played...); fails if it produced none. */
  public JsonObject result(long timeoutSeconds) throws IOException, InterruptedException {
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("hls.js player did not finish:\n" + Files.readString(out));
      }
      String text = Files.readString(out);
      String last = text.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
      if (last == null) {
        throw new AssertionError("hls.js player printed no result:\n" + text);
      }
      return new JsonObject(last).put("exit", process.exitValue());
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
