package io.reelay.upload;

import io.reelay.auth.Authenticator;
import io.reelay.bus.Addresses;
import io.reelay.bus.Topics;
import io.reelay.config.ReelayConfig;
import io.reelay.config.UploadSettings;
import io.reelay.http.HttpDeliveryVerticle;
import io.reelay.platform.KafkaSettings;
import io.reelay.platform.RedisSettings;
import io.reelay.platform.ReelayVertx;
import io.reelay.testing.TestServices;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A Vert.x with the HTTP delivery verticle (and so the upload routes) on the shared real test
 * services, a raw HTTP client, sessions in Redis, and a Kafka reader.
 */
final class UploadHarness implements AutoCloseable {
  static final String ADMIN = "Bearer test-admin-token";

  private static final java.net.http.HttpClient JDK =
      java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  final Vertx vertx;
  final ReelayConfig config;
  final HttpClient http;
  final RedisAPI redis;
  final int port;

  UploadHarness(UploadSettings settings) throws Exception {
    vertx = ReelayVertx.create();
    ReelayConfig base = TestServices.config();
    config = ReelayConfig.fromJson(base.toJson().put("upload", settings.toJson()));
    vertx
        .deployVerticle(
            new HttpDeliveryVerticle(),
            new DeploymentOptions().setConfig(new JsonObject().put("reelay", config.toJson())))
        .await(60, TimeUnit.SECONDS);
    port =
        vertx
            .eventBus()
            .<JsonObject>request(Addresses.DELIVERY_STATUS, null)
            .await(5, TimeUnit.SECONDS)
            .body()
            .getInteger("port");
    http = vertx.createHttpClient();
    redis = RedisAPI.api(Redis.createClient(vertx, RedisSettings.options(config)));
  }

  /** Small parts and limits so tests run fast. */
  static UploadSettings settings() {
    return new UploadSettings(
        64L << 20, 2, Duration.ofHours(1), 5L << 20, Duration.ofSeconds(30), 1);
  }

  record Reply(int status, MultiMap headers, String body) {
    String header(String name) {
      return headers.get(name);
    }

    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /**
   * One request and its whole response, over the JDK's HTTP client: Vert.x 5.0.8's client now and
   * then never completed a response without a body (an OPTIONS 204 about once in 500 in a loop; the
   * server's bytes were well-formed, and the JDK client never hung in 1,000), which made tests wait
   * out their 60 s.
   */
  Reply send(HttpMethod method, String path, Map<String, String> headers, Buffer body)
      throws Exception {
    java.net.http.HttpRequest.Builder b =
        java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method.name(),
                body == null
                    ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.getBytes()));
    headers.forEach(b::header);
    java.net.http.HttpResponse<String> r =
        JDK.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    r.headers().map().forEach((name, values) -> values.forEach(v -> h.add(name, v)));
    return new Reply(r.statusCode(), h, r.body());
  }

  /** {@code POST /api/uploads/{id}/complete} as the admin. */
  Reply completePresigned(String id) throws Exception {
    return send(
        HttpMethod.POST, "/api/uploads/" + id + "/complete", Map.of("Authorization", ADMIN), null);
  }

  /** A session token for a user with {@code role} (how the accounts capability stores them). */
  String session(String role) throws Exception {
    String token = UUID.randomUUID().toString();
    String userId = "user-" + UUID.randomUUID();
    redis
        .set(
            List.of(
                Authenticator.sessionKey(token),
                new JsonObject()
                    .put("userId", userId)
                    .put("username", userId)
                    .put("role", role)
                    .encode()))
        .await(5, TimeUnit.SECONDS);
    return "Bearer " + token;
  }

  /** tus headers for {@code auth}, plus extras (name, value, name, value...). */
  static Map<String, String> tus(String auth, String... extra) {
    Map<String, String> headers = new java.util.HashMap<>();
    headers.put("Tus-Resumable", "1.0.0");
    if (auth != null) {
      headers.put("Authorization", auth);
    }
    for (int i = 0; i < extra.length; i += 2) {
      headers.put(extra[i], extra[i + 1]);
    }
    return headers;
  }

  /** Creates a tus upload; returns its id. */
  String create(String auth, long length, String metadata) throws Exception {
    Reply r =
        send(
            HttpMethod.POST,
            "/files/",
            metadata == null
                ? tus(auth, "Upload-Length", String.valueOf(length))
                : tus(auth, "Upload-Length", String.valueOf(length), "Upload-Metadata", metadata),
            null);
    if (r.status() != 201) {
      throw new AssertionError("create: " + r.status() + " " + r.body());
    }
    String location = r.header("Location");
    return location.substring(location.lastIndexOf('/') + 1);
  }

  Reply patch(String auth, String id, long offset, byte[] bytes, String... extra) throws Exception {
    Map<String, String> headers =
        tus(
            auth,
            "Upload-Offset",
            String.valueOf(offset),
            "Content-Type",
            "application/offset+octet-stream");
    for (int i = 0; i < extra.length; i += 2) {
      headers.put(extra[i], extra[i + 1]);
    }
    return send(HttpMethod.PATCH, "/files/" + id, headers, Buffer.buffer(bytes));
  }

  /** Starts a PATCH declaring {@code total} bytes and sends only {@code first}; still open. */
  HttpClientRequest openPatch(String id, long offset, long total, byte[] first) throws Exception {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.PATCH)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/files/" + id);
    tus(
            ADMIN,
            "Upload-Offset",
            String.valueOf(offset),
            "Content-Type",
            "application/offset+octet-stream",
            "Content-Length",
            String.valueOf(total))
        .forEach(options::putHeader);
    // A client of its own (closed with Vert.x): tests reset or abandon this request, and its
    // connection must not go back into the pool the other requests share.
    HttpClient own = vertx.createHttpClient();
    HttpClientRequest req = own.request(options).await(10, TimeUnit.SECONDS);
    req.write(Buffer.buffer(first)).await(10, TimeUnit.SECONDS);
    return req;
  }

  Reply head(String auth, String id) throws Exception {
    return send(HttpMethod.HEAD, "/files/" + id, tus(auth), null);
  }

  static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static String digest(String algorithm, byte[] bytes, int from, int to) throws Exception {
    MessageDigest md = MessageDigest.getInstance(algorithm);
    md.update(bytes, from, to - from);
    return Base64.getEncoder().encodeToString(md.digest());
  }

  static String sha256Hex(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** The stored source, fetched through the API. */
  byte[] source(String auth, String id) throws Exception {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/api/videos/" + id + "/source")
            .putHeader("Authorization", auth);
    return http.request(options)
        .compose(req -> req.send())
        .compose(
            resp -> {
              if (resp.statusCode() != 200) {
                throw new AssertionError("source: " + resp.statusCode());
              }
              return resp.body();
            })
        .await(60, TimeUnit.SECONDS)
        .getBytes();
  }

  JsonObject video(String id) throws Exception {
    Reply r = send(HttpMethod.GET, "/api/videos/" + id, Map.of(), null);
    if (r.status() != 200) {
      throw new AssertionError("video: " + r.status() + " " + r.body());
    }
    return r.json();
  }

  /** Waits for the {@code video.uploaded} event of {@code videoId}, with a real consumer. */
  JsonObject uploadedEvent(String videoId) {
    Properties p = new Properties();
    p.putAll(KafkaSettings.consumer(config, "upload-test-" + UUID.randomUUID()));
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(Topics.VIDEO_UPLOADED));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (videoId.equals(r.key())) {
            return new JsonObject(r.value());
          }
        }
      }
    }
    throw new AssertionError("no video.uploaded event for " + videoId);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }
}
