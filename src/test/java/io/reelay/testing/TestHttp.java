package io.reelay.testing;

import io.reelay.bus.Addresses;
import io.reelay.http.HttpDeliveryVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP delivery verticle deployed in-process, and a blocking client for it. The client is the
 * JDK's (HTTP/1.1): Vert.x 5.0's client now and then never completed a bodiless response (about one
 * OPTIONS 204 in a few hundred), which hung tests for their whole timeout; the server's bytes were
 * complete every time.
 */
public final class TestHttp {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** A whole response. */
  public record Reply(int status, Buffer body, MultiMap headers) {
    public String text() {
      return body.toString();
    }

    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  public final int port;

  private TestHttp(int port) {
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
    return new TestHttp(port);
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
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method.name(),
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    HttpResponse<byte[]> response =
        CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    MultiMap responseHeaders = MultiMap.caseInsensitiveMultiMap();
    response.headers().map().forEach(responseHeaders::add);
    return new Reply(response.statusCode(), Buffer.buffer(response.body()), responseHeaders);
  }
}
