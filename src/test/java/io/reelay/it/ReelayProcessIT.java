package io.reelay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.reelay.testing.FfmpegPublisher;
import io.reelay.testing.ReelayProcess;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the packaged jar as an operator would: start, probe, SIGTERM, restart. */
class ReelayProcessIT {

  private static JsonObject services(Path dataDir) throws Exception {
    return new JsonObject(Files.readString(dataDir.resolve("services.json")));
  }

  private static MinioClient s3(Path dataDir) throws Exception {
    JsonObject s = services(dataDir);
    return MinioClient.builder()
        .endpoint(s.getString("s3Endpoint"))
        .credentials(
            Files.readString(dataDir.resolve("s3-access-key")).trim(),
            Files.readString(dataDir.resolve("s3-secret-key")).trim())
        .build();
  }

  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

  private static java.net.http.HttpResponse<String> send(
      java.net.http.HttpRequest.Builder b, String token) throws Exception {
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(
        b.timeout(Duration.ofSeconds(30)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  static java.net.http.HttpResponse<String> post(String url, String json, String token)
      throws Exception {
    return send(
        java.net.http.HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)),
        token);
  }

  static java.net.http.HttpResponse<String> put(String url, String json, String token)
      throws Exception {
    return send(
        java.net.http.HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(json)),
        token);
  }

  static java.net.http.HttpResponse<String> get(String url, String token) throws Exception {
    return send(java.net.http.HttpRequest.newBuilder(URI.create(url)).GET(), token);
  }

  /** A minimal RESP exchange over a socket: the test talks to Redis without Reelay's code. */
  private static String redis(String url, String... args) throws Exception {
    URI uri = URI.create(url);
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      StringBuilder cmd = new StringBuilder("*" + args.length + "\r\n");
      for (String a : args) {
        cmd.append('$')
            .append(a.getBytes(StandardCharsets.UTF_8).length)
            .append("\r\n")
            .append(a)
            .append("\r\n");
      }
      socket.getOutputStream().write(cmd.toString().getBytes(StandardCharsets.UTF_8));
      java.io.BufferedReader in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String first = in.readLine();
      if (first.startsWith("$") && !first.equals("$-1")) {
        return in.readLine();
      }
      return first;
    }
  }

  @Test
  @DisplayName(
      "start to healthy, SIGTERM within 10 s leaving no child process, restart keeps data "
          + "(Redis, S3, Kafka, accounts and viewer positions)")
  void lifecycle(@TempDir Path dataDir) throws Exception {
    List<ProcessHandle> children;
    int rtmpPort = ReelayProcess.freePort();
    String streamId;
    try (ReelayProcess reelay =
        ReelayProcess.start(dataDir, Map.of("REELAY_RTMP_PORT", String.valueOf(rtmpPort)))) {
      Duration toHealthy = reelay.awaitHealthy(Duration.ofSeconds(90));
      System.out.println("start-up to healthy: " + toHealthy.toMillis() + " ms");
      assertTrue(reelay.waitForLine("admin token is in", Duration.ofSeconds(5)));
      assertTrue(Files.exists(dataDir.resolve("admin-token")));
      children = reelay.descendants();
      assertTrue(
          children.stream().anyMatch(p -> p.info().command().orElse("").contains("redis-server")),
          "embedded Redis runs as a child process");

      JsonObject s = services(dataDir);
      redis(s.getString("redisUrl"), "SET", "it:kept", "value-1");
      s3(dataDir)
          .putObject(
              PutObjectArgs.builder().bucket(s.getString("s3Bucket")).object("it/kept.txt").stream(
                      new ByteArrayInputStream("object-1".getBytes()), 8, -1)
                  .build());
      Properties p = new Properties();
      p.put("bootstrap.servers", s.getString("kafkaBootstrap"));
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("it.kept", "k", "event-1")).get();
      }
      String base = "http://127.0.0.1:" + reelay.httpPort;
      assertEquals(
          201,
          post(base + "/api/users", "{\"username\":\"dora\",\"password\":\"long-password\"}", null)
              .statusCode());
      String token =
          new JsonObject(
                  post(
                          base + "/api/login",
                          "{\"username\":\"dora\",\"password\":\"long-password\"}",
                          null)
                      .body())
              .getString("token");
      assertEquals(
          204, put(base + "/api/me/positions/vid1", "{\"seconds\":42.5}", token).statusCode());
      // Redis persists to its append-only file once a second.
      redis(s.getString("redisUrl"), "BGREWRITEAOF");
      Thread.sleep(1500);

      // A stream being published when SIGTERM comes is ended (Redis must outlive Vert.x).
      String admin = Files.readString(dataDir.resolve("admin-token")).trim();
      JsonObject stream =
          new JsonObject(post(base + "/api/streams", "{\"title\":\"at shutdown\"}", admin).body());
      streamId = stream.getString("id");
      try (FfmpegPublisher ff =
          FfmpegPublisher.start(
              "rtmp://127.0.0.1:" + rtmpPort + "/live/" + stream.getString("key"), 60, "320x240")) {
        assertTrue(
            reelay.waitForLine("live " + streamId + ": publish started", Duration.ofSeconds(30)),
            "publishing");
        Duration stop = reelay.terminate(Duration.ofSeconds(10));
        System.out.println("SIGTERM to exit: " + stop.toMillis() + " ms");
      }
      assertEquals(143 == reelay.process().exitValue() || 0 == reelay.process().exitValue(), true);
      assertTrue(
          reelay.output().stream().anyMatch(l -> l.contains("live " + streamId + ": ended")),
          String.join("\n", reelay.output()));
      assertFalse(
          reelay.output().stream().anyMatch(l -> l.contains("ending failed")),
          String.join("\n", reelay.output()));
    }
    Thread.sleep(300);
    for (ProcessHandle child : children) {
      assertFalse(child.isAlive(), "child " + child.pid() + " left running");
    }

    try (ReelayProcess again = ReelayProcess.start(dataDir, Map.of())) {
      again.awaitHealthy(Duration.ofSeconds(90));
      JsonObject s = services(dataDir);
      assertEquals("value-1", redis(s.getString("redisUrl"), "GET", "it:kept"));
      String base = "http://127.0.0.1:" + again.httpPort;
      String token =
          new JsonObject(
                  post(
                          base + "/api/login",
                          "{\"username\":\"dora\",\"password\":\"long-password\"}",
                          null)
                      .body())
              .getString("token");
      var position = get(base + "/api/me/positions/vid1", token);
      assertEquals(200, position.statusCode(), position.body());
      assertEquals(42.5, new JsonObject(position.body()).getDouble("seconds"));
      var stream = get(base + "/api/streams/" + streamId, null);
      assertEquals(200, stream.statusCode(), stream.body());
      assertEquals("ended", new JsonObject(stream.body()).getString("state"), stream.body());
      try (var in =
          s3(dataDir)
              .getObject(
                  GetObjectArgs.builder()
                      .bucket(s.getString("s3Bucket"))
                      .object("it/kept.txt")
                      .build())) {
        assertEquals("object-1", new String(in.readAllBytes()));
      }
      Properties p = new Properties();
      p.put("bootstrap.servers", s.getString("kafkaBootstrap"));
      p.put("group.id", "it-reader");
      p.put("auto.offset.reset", "earliest");
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of("it.kept"));
        String value = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (value == null && System.nanoTime() < deadline) {
          ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
          for (var r : records) {
            value = r.value();
          }
        }
        assertEquals("event-1", value);
      }
      again.terminate(Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName(
      "a worker-only process and a delivery process run against another process's services")
  void externalMode(@TempDir Path tmp) throws Exception {
    Path servicesDir = tmp.resolve("services");
    Path workerDir = tmp.resolve("worker");
    Path deliveryDir = tmp.resolve("delivery");
    try (ReelayProcess services =
        ReelayProcess.start(servicesDir, Map.of("REELAY_ROLES", "services"))) {
      assertTrue(
          services.waitForLine("backing services running", Duration.ofSeconds(90)),
          String.join("\n", services.output()));
      JsonObject s = services(servicesDir);
      Map<String, String> external =
          Map.of(
              "REELAY_KAFKA_BOOTSTRAP", s.getString("kafkaBootstrap"),
              "REELAY_REDIS_URL", s.getString("redisUrl"),
              "REELAY_S3_ENDPOINT", s.getString("s3Endpoint"),
              "REELAY_S3_ACCESS_KEY", Files.readString(servicesDir.resolve("s3-access-key")).trim(),
              "REELAY_S3_SECRET_KEY", Files.readString(servicesDir.resolve("s3-secret-key")).trim(),
              "REELAY_ADMIN_TOKEN", "it-token");
      Map<String, String> workerEnv = new java.util.HashMap<>(external);
      workerEnv.put("REELAY_ROLES", "worker");
      Map<String, String> deliveryEnv = new java.util.HashMap<>(external);
      deliveryEnv.put("REELAY_ROLES", "delivery");
      try (ReelayProcess worker = ReelayProcess.start(workerDir, workerEnv);
          ReelayProcess delivery = ReelayProcess.start(deliveryDir, deliveryEnv)) {
        assertTrue(
            worker.waitForLine("reelay: ready", Duration.ofSeconds(60)),
            String.join("\n", worker.output()));
        assertTrue(worker.output().stream().anyMatch(l -> l.contains("roles [worker]")));
        delivery.awaitHealthy(Duration.ofSeconds(60));
        for (Path dir : List.of(workerDir, deliveryDir)) {
          for (String embedded : List.of("kafka", "redis", "s3")) {
            assertFalse(
                Files.exists(dir.resolve(embedded)), "no embedded " + embedded + " in " + dir);
          }
        }
        assertTrue(worker.descendants().isEmpty(), "worker started no child process");
        worker.terminate(Duration.ofSeconds(10));
        delivery.terminate(Duration.ofSeconds(10));
      }
      services.terminate(Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName("backing services down at start-up: the server starts, /health is 503 naming each")
  void servicesDownAtStartup(@TempDir Path tmp) throws Exception {
    Map<String, String> dead =
        Map.of(
            "REELAY_KAFKA_BOOTSTRAP",
            "127.0.0.1:" + ReelayProcess.freePort(),
            "REELAY_REDIS_URL",
            "redis://127.0.0.1:" + ReelayProcess.freePort(),
            "REELAY_S3_ENDPOINT",
            "http://127.0.0.1:" + ReelayProcess.freePort(),
            "REELAY_S3_ACCESS_KEY",
            "k",
            "REELAY_S3_SECRET_KEY",
            "s",
            "REELAY_ADMIN_TOKEN",
            "t");
    try (ReelayProcess reelay = ReelayProcess.start(tmp, dead)) {
      assertTrue(
          reelay.waitForLine("reelay: ready", Duration.ofSeconds(60)),
          String.join("\n", reelay.output()));
      var health = get("http://127.0.0.1:" + reelay.httpPort + "/health", null);
      assertEquals(503, health.statusCode(), health.body());
      JsonObject services = new JsonObject(health.body()).getJsonObject("services");
      for (String name : List.of("kafka", "redis", "s3")) {
        assertEquals("DOWN", services.getJsonObject(name).getString("status"), name);
      }
      reelay.terminate(Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName("bad configuration and a taken port each stop start-up with one clear line")
  void clearStartupErrors(@TempDir Path tmp) throws Exception {
    try (ReelayProcess bad =
        ReelayProcess.start(tmp.resolve("a"), Map.of("REELAY_RTMP_PORT", "99999"))) {
      assertTrue(bad.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(2, bad.process().exitValue());
      assertTrue(
          bad.output()
              .contains(
                  "reelay: configuration error: REELAY_RTMP_PORT: port 99999 is out of range 0..65535"),
          String.join("\n", bad.output()));
    }
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        ReelayProcess clash =
            ReelayProcess.start(
                tmp.resolve("b"),
                Map.of("REELAY_HTTP_PORT", String.valueOf(taken.getLocalPort())))) {
      assertTrue(clash.process().waitFor(90, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(1, clash.process().exitValue());
      String expected =
          "reelay: start-up failed: http-delivery: REELAY_HTTP_PORT: port "
              + taken.getLocalPort()
              + " is already in use";
      assertTrue(clash.output().contains(expected), String.join("\n", clash.output()));
    }
  }
}
