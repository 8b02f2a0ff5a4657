package io.reelay.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real {@code target/reelay.jar} started as a separate process, as an operator would. */
public final class ReelayProcess implements AutoCloseable {
  private final Process process;

  /**
   * The process's output goes to a file rather than a pipe: a pipe's reader loses what is left in
   * it when the process exits ("Stream closed"), and the lines of a shutdown are what some tests
   * check.
   */
  private final Path log;

  public final int httpPort;

  private ReelayProcess(Process process, Path log, int httpPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  public static Path jar() {
    return Path.of(System.getProperty("reelay.jar", "target/reelay.jar"));
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * The environment that points another process at the backing services a first one (started with
   * the default roles, so it runs the embedded services) keeps in {@code servicesDataDir}.
   */
  public static Map<String, String> sharedServicesEnv(Path servicesDataDir) throws IOException {
    JsonObject s = new JsonObject(Files.readString(servicesDataDir.resolve("services.json")));
    Map<String, String> env = new HashMap<>();
    env.put("REELAY_KAFKA_BOOTSTRAP", s.getString("kafkaBootstrap"));
    env.put("REELAY_REDIS_URL", s.getString("redisUrl"));
    env.put("REELAY_S3_ENDPOINT", s.getString("s3Endpoint"));
    env.put(
        "REELAY_S3_ACCESS_KEY", Files.readString(servicesDataDir.resolve("s3-access-key")).trim());
    env.put(
        "REELAY_S3_SECRET_KEY", Files.readString(servicesDataDir.resolve("s3-secret-key")).trim());
    return env;
  }

  /** Starts the jar with the given environment on top of a clean one (no inherited REELAY_*). */
  public static ReelayProcess start(Path dataDir, Map<String, String> env) throws IOException {
    int httpPort =
        env.containsKey("REELAY_HTTP_PORT")
            ? Integer.parseInt(env.get("REELAY_HTTP_PORT"))
            : freePort();
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g",
            "-jar",
            jar().toAbsolutePath().toString());
    pb.environment().keySet().removeIf(k -> k.startsWith("REELAY_"));
    pb.environment().put("REELAY_DATA_DIR", dataDir.toString());
    pb.environment().put("REELAY_HTTP_PORT", String.valueOf(httpPort));
    pb.environment().put("REELAY_RTMP_PORT", String.valueOf(freePort()));
    pb.environment().put("REELAY_HTTP_HOST", "127.0.0.1");
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Path log = Files.createTempFile("reelay-process-", ".log");
    pb.redirectOutput(log.toFile());
    return new ReelayProcess(pb.start(), log, httpPort);
  }

  public List<String> output() {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of("<output unreadable: " + e + ">");
    }
  }

  public boolean waitForLine(String fragment, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output().stream().anyMatch(l -> l.contains(fragment))) {
        return true;
      }
      if (!process.isAlive()) {
        return output().stream().anyMatch(l -> l.contains(fragment));
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return false;
  }

  /** Polls {@code /health} until it answers 200; returns the time that took. */
  public Duration awaitHealthy(Duration timeout) throws Exception {
    long start = System.nanoTime();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    while (System.nanoTime() - start < timeout.toNanos()) {
      if (!process.isAlive()) {
        throw new IllegalStateException("process exited: " + String.join("\n", output()));
      }
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return Duration.ofNanos(System.nanoTime() - start);
        }
      } catch (IOException e) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new IllegalStateException(
        "not healthy in " + timeout + ": " + String.join("\n", output()));
  }

  public List<ProcessHandle> descendants() {
    return process.descendants().toList();
  }

  public Process process() {
    return process;
  }

  /** SIGTERM, then wait; returns how long the process took to exit. */
  public Duration terminate(Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "did not stop within " + timeout + ": " + String.join("\n", output()));
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Override
  public void close() {
    List<ProcessHandle> children = descendants();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temp file: the OS's cleanup takes it
    }
  }
}
