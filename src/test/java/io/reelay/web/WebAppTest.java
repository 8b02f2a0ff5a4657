package io.reelay.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.platform.ReelayVertx;
import io.reelay.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The bundled web app is served from the jar: pages, assets, and API routes left alone. */
class WebAppTest {
  private Vertx vertx;
  private TestHttp http;

  @BeforeEach
  void setUp() throws Exception {
    vertx = ReelayVertx.create();
    http = TestHttp.deploy(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private TestHttp.Reply get(String path) throws Exception {
    return http.get(path);
  }

  @Test
  @DisplayName("every app page answers with the index page; the bundle and styles load")
  void servesApp() throws Exception {
    for (String page :
        new String[] {
          "/", "/upload", "/live", "/live/abc", "/go-live", "/login", "/watch/abc?t=42"
        }) {
      TestHttp.Reply r = get(page);
      assertEquals(200, r.status(), page);
      assertTrue(r.text().contains("<script type=\"module\" src=\"/assets/main.js\">"), page);
      assertEquals("no-cache", r.headers().get("Cache-Control"), page);
    }
    TestHttp.Reply js = get("/assets/main.js");
    assertEquals(200, js.status());
    assertTrue(
        js.headers().get("Content-Type").contains("javascript"), js.headers().get("Content-Type"));
    assertTrue(js.text().length() > 10_000, "hls.js and tus-js-client are bundled");
    assertEquals(200, get("/assets/style.css").status());
    // Gzipped by the build, sent as such to browsers that accept it.
    TestHttp.Reply gz =
        http.call(HttpMethod.GET, "/assets/main.js", null, Map.of("Accept-Encoding", "gzip, br"));
    assertEquals(200, gz.status());
    assertEquals("gzip", gz.headers().get("Content-Encoding"));
    assertTrue(gz.headers().get("Content-Type").contains("javascript"));
    assertEquals("Accept-Encoding", gz.headers().get("Vary"));
    try (var in = new GZIPInputStream(new ByteArrayInputStream(gz.body().getBytes()))) {
      assertArrayEquals(js.body().getBytes(), in.readAllBytes());
    }
    assertTrue(gz.body().length() < js.body().length() / 2, "compressed");
    assertEquals(404, get("/assets/../../etc/passwd").status());
    assertEquals(404, get("/api/nothing-here").status());
  }
}
