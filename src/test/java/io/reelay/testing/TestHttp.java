package io.reelay.testing;

import io.reelay.bus.Addresses;
import io.reelay.http.HttpDeliveryVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The HTTP delivery verticle deployed in-process, and a blocking client for it. */
public final class TestHttp {
  /** A whole response. */
  public record Reply(int status, Buffer body, MultiMap headers) {
    public String text() {
      return body.toString();
    }

    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final HttpClient client;
  public final int port;

  private TestHttp(HttpClient client, int port) {
    this.client = client;
    this.port = port;
  }

  /** Deploys {@link HttpDeliveryVerticle} with {@code verticleConfig} and finds its port. */
  public static TestHttp deploy(Vertx vertx, JsonObject verticleConfig) throws Exception {
    vertx
        .deployVerticle(
            new HttpDeliveryVerticle(), new DeploymentOptions().setConfig(verticleConfig))
        .await(30, TimeUnit.SECONDS);
    int port =
        vertx
            .eventBus()
            .<JsonObject>request(Addresses.DELIVERY_STATUS, null)
            .await(5, TimeUnit.SECONDS)
            .body()
            .getInteger("port");
    return new TestHttp(vertx.createHttpClient(), port);
  }

  /** Against the shared embedded test services. */
  public static TestHttp deploy(Vertx vertx) throws Exception {
    return deploy(vertx, TestServices.verticleConfig());
  }

  public Reply get(String path) throws Exception {
    return call(HttpMethod.GET, path, null, Map.of());
  }

  public Reply call(HttpMethod method, String path, String body, Map<String, String> headers)
      throws Exception {
    RequestOptions o =
        new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
    headers.forEach(o::putHeader);
    return client
        .request(o)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(r -> r.body().map(b -> new Reply(r.statusCode(), b, r.headers())))
        .await(30, TimeUnit.SECONDS);
  }
}
