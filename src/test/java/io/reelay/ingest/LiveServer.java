package io.reelay.ingest;

import io.reelay.bus.Addresses;
import io.reelay.config.ReelayConfig;
import io.reelay.http.HttpDeliveryVerticle;
import io.reelay.platform.ReelayVertx;
import io.reelay.testing.TestServices;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The ingest and delivery verticles in this JVM on the shared embedded services. */
final class LiveServer implements AutoCloseable {
  static final String ADMIN = "test-admin-token";

  final Vertx vertx;
  final ReelayConfig config;
  final int httpPort;
  final int rtmpPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  LiveServer(JsonObject ingestConfig) throws Exception {
    vertx = ReelayVertx.create();
    config = TestServices.config();
    JsonObject node = new JsonObject().put("reelay", config.toJson());
    vertx
        .deployVerticle(new HttpDeliveryVerticle(), new DeploymentOptions().setConfig(node.copy()))
        .await(30, TimeUnit.SECONDS);
    vertx
        .deployVerticle(
            new RtmpIngestVerticle(),
            new DeploymentOptions().setConfig(node.copy().mergeIn(ingestConfig)))
        .await(30, TimeUnit.SECONDS);
    httpPort = status(Addresses.DELIVERY_STATUS).getInteger("port");
    rtmpPort = status(Addresses.INGEST_STATUS).getInteger("port");
  }

  JsonObject status(String address) throws Exception {
    return vertx.eventBus().<JsonObject>request(address, null).await(5, TimeUnit.SECONDS).body();
  }

  String base() {
    return "http://127.0.0.1:" + httpPort;
  }

  String rtmp(String key) {
    return "rtmp://127.0.0.1:" + rtmpPort + "/live/" + key;
  }

  HttpResponse<String> send(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  HttpResponse<byte[]> bytes(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Creates a stream as the admin; returns {id, key, ...}. */
  JsonObject createStream(String title) throws Exception {
    HttpResponse<String> r =
        send("POST", "/api/streams", ADMIN, new JsonObject().put("title", title).encode());
    if (r.statusCode() != 201) {
      throw new AssertionError("create stream: " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body());
  }

  /** Polls until {@code path} answers 200 and its body contains {@code needle}. */
  String await(String path, String needle, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    HttpResponse<String> r = null;
    while (System.currentTimeMillis() < deadline) {
      r = get(path);
      if (r.statusCode() == 200 && r.body().contains(needle)) {
        return r.body();
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        path + " never contained " + needle + ": " + (r == null ? "-" : r.statusCode() + r.body()));
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(15, TimeUnit.SECONDS);
  }
}
