package io.reelay.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real {@code redis-server} child process (the binary shipped in embedded-redis) with append-only
 * persistence in the data directory, bound to loopback on a free port.
 *
 * <p>Reelay runs the process itself rather than through the library's {@code RedisServer}, whose
 * start registers a JVM shutdown hook that stops Redis at once on SIGTERM: that raced Reelay's own
 * hook, which closes Vert.x first (live streams end in Redis) and stops Redis after it ({@link
 * BackingServices#close}). For the same reason the server runs in a session of its own (via {@code
 * setsid} where present), so a Ctrl-C to the terminal's process group reaches Reelay, not Redis.
 */
public final class EmbeddedRedis implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final Process server;
  private final int port;

  private EmbeddedRedis(Process server, int port) {
    this.server = server;
    this.port = port;
  }

  public static EmbeddedRedis start(Path dir, int configuredPort) throws IOException {
    Files.createDirectories(dir);
    Path pidFile = dir.resolve("redis.pid");
    stopStaleServer(pidFile);
    int port = FreePort.pick(configuredPort);
    List<String> command =
        RedisServer.newRedisServer()
            .bind("127.0.0.1")
            .port(port)
            .setting("dir " + dir)
            .setting("appendonly yes")
            .setting("appendfsync everysec")
            .setting("pidfile " + pidFile)
            .setting("protected-mode yes")
            .buildCommandArgs();
    List<String> launch = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      launch.add(SETSID.toString());
    }
    launch.addAll(command);
    Process server =
        new ProcessBuilder(launch)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
            .start();
    try {
      awaitListening(port, Duration.ofSeconds(10));
    } catch (IOException e) {
      server.destroyForcibly();
      throw e;
    }
    LOG.info("embedded Redis ready at 127.0.0.1:{} with data in {}", port, dir);
    return new EmbeddedRedis(server, port);
  }

  /**
   * A redis-server left behind by a process that was killed with -9 would share our append-only
   * file; stop it before starting a fresh one on the same directory.
   */
  private static void stopStaleServer(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    String raw = Files.readString(pidFile).trim();
    Files.deleteIfExists(pidFile);
    long pid;
    try {
      pid = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> stale = ProcessHandle.of(pid);
    if (stale.isPresent()
        && stale.get().info().command().map(c -> c.contains("redis-server")).orElse(false)) {
      LOG.warn("stopping stale redis-server (pid {}) left by an earlier run", pid);
      stale.get().destroy();
      stale.get().onExit().orTimeout(5, TimeUnit.SECONDS).join();
    }
  }

  private static void awaitListening(int port, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("embedded Redis did not listen on port " + port, e);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for Redis", ie);
        }
      }
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Stops the server (SIGTERM: Redis flushes its append-only file), forcibly after 10 s. */
  @Override
  public void close() throws IOException {
    server.destroy();
    try {
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        LOG.warn("embedded Redis did not stop within 10 s; killing it");
        server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.destroyForcibly();
    }
  }
}
