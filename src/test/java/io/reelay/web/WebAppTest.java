package io.reelay.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.bus.Addresses;
import io.reelay.http.HttpDeliveryVerticle;
import io.reelay.platform.ReelayVertx;
import io.reelay.testing.TestServices;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The bundled web app is served from the jar: pages, assets, and API routes left alone. */
class WebAppTest {
  private Vertx vertx;
  private HttpClient http;
  private int port;

  record Reply(int status, String body, io.vertx.core.MultiMap headers) {}

  @BeforeEach
  void setUp() throws Exception {
    vertx = ReelayVertx.create();
    http = vertx.createHttpClient();
    vertx
        .deployVerticle(
            new HttpDeliveryVerticle(),
            new DeploymentOptions().setConfig(TestServices.verticleConfig()))
        .await(30, TimeUnit.SECONDS);
    port =
        vertx
            .eventBus()
            .<JsonObject>request(Addresses.DELIVERY_STATUS, null)
            .await(5, TimeUnit.SECONDS)
            .body()
            .getInteger("port");
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Reply get(String path) throws Exception {
    return http.request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI(path))
        .compose(req -> req.send())
        .compose(r -> r.body().map(b -> new Reply(r.statusCode(), b.toString(), r.headers())))
        .await(20, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("every app page answers with the index page; the bundle and styles load")
  void servesApp() throws Exception {
    for (String page :
        new String[] {
          "/", "/upload", "/live", "/live/abc", "/go-live", "/login", "/watch/abc?t=42"
        }) {
      Reply r = get(page);
      assertEquals(200, r.status(), page);
      assertTrue(r.body().contains("<script type=\"module\" src=\"/assets/main.js\">"), page);
      assertEquals("no-cache", r.headers().get("Cache-Control"), page);
    }
    Reply js = get("/assets/main.js");
    assertEquals(200, js.status());
    assertTrue(
        js.headers().get("Content-Type").contains("javascript"), js.headers().get("Content-Type"));
    assertTrue(js.body().length() > 10_000, "hls.js and tus-js-client are bundled");
    assertEquals(200, get("/assets/style.css").status());
    assertEquals(404, get("/assets/../../etc/passwd").status());
    assertEquals(404, get("/api/nothing-here").status());
  }
}
