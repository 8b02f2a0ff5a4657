package io.reelay.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.bus.Addresses;
import io.reelay.config.ReelayConfig;
import io.reelay.embedded.EmbeddedRedis;
import io.reelay.platform.ReelayVertx;
import io.reelay.testing.TestServices;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpDeliveryTest {
  private Vertx vertx;
  private HttpClient http;

  @BeforeEach
  void setUp() {
    vertx = ReelayVertx.create();
    http = vertx.createHttpClient();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private int deploy(ReelayConfig config) throws Exception {
    vertx
        .deployVerticle(
            new HttpDeliveryVerticle(),
            new DeploymentOptions().setConfig(new JsonObject().put("reelay", config.toJson())))
        .await(30, TimeUnit.SECONDS);
    JsonObject status =
        vertx
            .eventBus()
            .<JsonObject>request(Addresses.DELIVERY_STATUS, null)
            .await(5, TimeUnit.SECONDS)
            .body();
    return status.getInteger("port");
  }

  private record Reply(int status, String body, io.vertx.core.MultiMap headers) {}

  private Reply get(int port, String path) throws Exception {
    return http.request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI(path)
                .putHeader("Origin", "http://example.test"))
        .compose(req -> req.send())
        .compose(
            (HttpClientResponse resp) ->
                resp.body().map(b -> new Reply(resp.statusCode(), b.toString(), resp.headers())))
        .await(20, TimeUnit.SECONDS);
  }

  private static ReelayConfig withRedis(ReelayConfig base, String redisUrl) {
    return base.withServices(
        base.kafkaBootstrap().orElseThrow(),
        redisUrl,
        base.s3Endpoint().orElseThrow(),
        base.s3AccessKey().orElseThrow(),
        base.s3SecretKey().orElseThrow(),
        base.adminToken().orElseThrow());
  }

  @Test
  @DisplayName(
      "/health: 200 with kafka, redis and s3 UP; 503 naming redis while it is down; "
          + "back to 200 when it returns, without a restart")
  void healthFollowsDependencies(@TempDir Path tmp) throws Exception {
    EmbeddedRedis redis = EmbeddedRedis.start(tmp.resolve("redis"), 0);
    int redisPort = redis.port();
    int port = deploy(withRedis(TestServices.config(), redis.url()));
    try {
      Reply up = get(port, "/health");
      assertEquals(200, up.status(), up.body());
      JsonObject body = new JsonObject(up.body());
      assertEquals("UP", body.getString("status"));
      for (String service : new String[] {"kafka", "redis", "s3"}) {
        assertEquals(
            "UP", body.getJsonObject("services").getJsonObject(service).getString("status"));
      }

      redis.close();
      Reply down = get(port, "/health");
      assertEquals(503, down.status(), down.body());
      JsonObject downBody = new JsonObject(down.body());
      assertEquals("DOWN", downBody.getString("status"));
      assertEquals(
          "DOWN", downBody.getJsonObject("services").getJsonObject("redis").getString("status"));
      assertEquals(
          "UP", downBody.getJsonObject("services").getJsonObject("kafka").getString("status"));

      redis = EmbeddedRedis.start(tmp.resolve("redis"), redisPort);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      Reply again;
      do {
        again = get(port, "/health");
      } while (again.status() != 200 && System.nanoTime() < deadline);
      assertEquals(200, again.status(), again.body());
    } finally {
      redis.close();
    }
  }

  @Test
  @DisplayName("/metrics serves Prometheus text; unknown paths get a JSON 404 with CORS")
  void metricsAndErrors() throws Exception {
    int port = deploy(TestServices.config());
    get(port, "/health");
    Reply metrics = get(port, "/metrics");
    assertEquals(200, metrics.status());
    assertTrue(metrics.body().contains("# TYPE"), metrics.body());
    assertTrue(metrics.body().contains("vertx_http_server"), "Vert.x HTTP metrics exported");

    Reply missing = get(port, "/no/such/thing");
    assertEquals(404, missing.status());
    assertEquals("not_found", new JsonObject(missing.body()).getString("error"));
    assertEquals("*", missing.headers().get("Access-Control-Allow-Origin"));
  }

  @Test
  @DisplayName("a taken HTTP port fails deployment with one line naming REELAY_HTTP_PORT")
  void portTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ReelayConfig base = TestServices.config();
      ReelayConfig config =
          ReelayConfig.fromJson(base.toJson().put("httpPort", taken.getLocalPort()));
      Throwable failure =
          vertx
              .deployVerticle(
                  new HttpDeliveryVerticle(),
                  new DeploymentOptions()
                      .setConfig(new JsonObject().put("reelay", config.toJson())))
              .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
              .await(30, TimeUnit.SECONDS);
      assertEquals(
          "REELAY_HTTP_PORT: port " + taken.getLocalPort() + " is already in use",
          failure.getMessage());
    }
  }

  @Test
  @DisplayName("instances share one random port, each on its own event loop, and all serve")
  void instancesShareTheRandomPort() throws Exception {
    vertx
        .deployVerticle(
            HttpDeliveryVerticle::new,
            new DeploymentOptions()
                .setInstances(2)
                .setConfig(new JsonObject().put("reelay", TestServices.config().toJson())))
        .await(60, TimeUnit.SECONDS);
    java.util.Set<Integer> ports = new java.util.HashSet<>();
    for (int i = 0; i < 4; i++) { // the status consumers answer in turn
      ports.add(
          vertx
              .eventBus()
              .<JsonObject>request(Addresses.DELIVERY_STATUS, null)
              .await(5, TimeUnit.SECONDS)
              .body()
              .getInteger("port"));
    }
    assertEquals(1, ports.size(), "one port: " + ports);
    int port = ports.iterator().next();
    assertTrue(port > 0);
    for (int i = 0; i < 4; i++) {
      assertEquals(404, get(port, "/no-such-thing").status());
    }
  }
}
