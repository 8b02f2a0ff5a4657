package io.reelay.testing;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The official tus-js-client run by Node ({@code src/test/js/tus-interop.mjs}). Its npm packages
 * are pinned by {@code package-lock.json} and installed with {@code npm ci} on first use, so a
 * fresh machine needs only Node and npm.
 */
public final class TusJsClient implements AutoCloseable {
  private static final Path DIR = Path.of("src/test/js").toAbsolutePath();

  private final Process process;
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

  private TusJsClient(Process process) {
    this.process = process;
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("<output closed: " + e + ">");
              }
            },
            "tus-js-client-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** Installs the pinned packages unless they are there. */
  public static synchronized void install() throws Exception {
    if (Files.isDirectory(DIR.resolve("node_modules/tus-js-client"))) {
      return;
    }
    Process npm =
        new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
            .directory(DIR.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
      throw new IllegalStateException("npm ci failed in " + DIR + ":\n" + out);
    }
  }

  /** Uploads {@code file}, aborting {@code aborts} times at random offsets and resuming. */
  public static TusJsClient upload(String endpoint, Path file, String token, int aborts, long seed)
      throws Exception {
    install();
    Process p =
        new ProcessBuilder(
                "node",
                "tus-interop.mjs",
                endpoint,
                file.toAbsolutePath().toString(),
                token,
                String.valueOf(aborts),
                String.valueOf(seed))
            .directory(DIR.toFile())
            .redirectErrorStream(true)
            .start();
    return new TusJsClient(p);
  }

  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** The JSON events printed so far. */
  public List<JsonObject> events() {
    List<JsonObject> out = new ArrayList<>();
    for (String line : lines()) {
      if (line.startsWith("{")) {
        out.add(new JsonObject(line));
      }
    }
    return out;
  }

  /** Waits for an event of this type; fails if the client exits first or time runs out. */
  public JsonObject await(String event, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonObject e : events()) {
        if (event.equals(e.getString("event"))) {
          return e;
        }
      }
      if (!process.isAlive() && process.exitValue() != 0) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError(
        "no '" + event + "' from tus-js-client:\n" + String.join("\n", lines()));
  }

  /** Bytes the client reported sent, from its latest progress line (0 before any). */
  public long lastProgress() {
    long sent = 0;
    for (JsonObject e : events()) {
      if ("progress".equals(e.getString("event"))) {
        sent = e.getLong("sent");
      }
    }
    return sent;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
