package io.reelay.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.platform.ReelayVertx;
import io.reelay.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Accounts, sessions and positions over real HTTP against the real embedded Redis. */
class AccountsAndPositionsTest {
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

  private TestHttp.Reply call(
      HttpMethod method, String path, String body, Map<String, String> headers) throws Exception {
    return http.call(method, path, body, headers);
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

  private String newUser(String name) throws Exception {
    TestHttp.Reply r =
        call(
            HttpMethod.POST,
            "/api/users",
            new JsonObject().put("username", name).put("password", "s3cret-pass").encode(),
            JSON);
    assertEquals(201, r.status(), r.text());
    TestHttp.Reply login =
        call(
            HttpMethod.POST,
            "/api/login",
            new JsonObject().put("username", name).put("password", "s3cret-pass").encode(),
            JSON);
    assertEquals(200, login.status(), login.text());
    return login.json().getString("token");
  }

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  @Test
  @DisplayName("sign-up, login with token and cookie, logout revokes, bad input is refused")
  void accounts() throws Exception {
    String name = unique("ann");
    String token = newUser(name);
    TestHttp.Reply dup =
        call(
            HttpMethod.POST,
            "/api/users",
            new JsonObject()
                .put("username", name.toUpperCase())
                .put("password", "another-pass")
                .encode(),
            JSON);
    assertEquals(409, dup.status(), "usernames are unique regardless of case");
    assertEquals(
        400,
        call(HttpMethod.POST, "/api/users", "{\"username\":\"a\",\"password\":\"x\"}", JSON)
            .status());
    assertEquals(400, call(HttpMethod.POST, "/api/users", "not json", JSON).status());
    assertEquals(
        400,
        call(
                HttpMethod.POST,
                "/api/users",
                "{\"username\":\"../../etc\",\"password\":\"long-enough\"}",
                JSON)
            .status());

    TestHttp.Reply me = call(HttpMethod.GET, "/api/me", null, bearer(token));
    assertEquals(200, me.status());
    assertEquals(name, me.json().getString("username"));
    assertEquals("creator", me.json().getString("role"));

    TestHttp.Reply login =
        call(
            HttpMethod.POST,
            "/api/login",
            new JsonObject().put("username", name).put("password", "s3cret-pass").encode(),
            JSON);
    String cookie = login.headers().get("Set-Cookie");
    assertNotNull(cookie);
    assertTrue(cookie.toLowerCase(java.util.Locale.ROOT).contains("httponly"), cookie);
    String session = cookie.substring(0, cookie.indexOf(';'));
    assertEquals(200, call(HttpMethod.GET, "/api/me", null, Map.of("Cookie", session)).status());

    assertEquals(204, call(HttpMethod.POST, "/api/logout", null, bearer(token)).status());
    assertEquals(401, call(HttpMethod.GET, "/api/me", null, bearer(token)).status());
    assertEquals(401, call(HttpMethod.GET, "/api/me", null, bearer("forged")).status());
  }

  @Test
  @DisplayName(
      "failed logins are rate-limited: 401 five times, then 429 even for the right password")
  void loginRateLimit() throws Exception {
    String name = unique("bob");
    newUser(name);
    String wrong = new JsonObject().put("username", name).put("password", "wrong-pass").encode();
    for (int i = 0; i < AccountsHttpModuleLimits.PER_USER; i++) {
      assertEquals(401, call(HttpMethod.POST, "/api/login", wrong, JSON).status());
    }
    TestHttp.Reply limited = call(HttpMethod.POST, "/api/login", wrong, JSON);
    assertEquals(429, limited.status());
    assertNotNull(limited.headers().get("Retry-After"));
    String right = new JsonObject().put("username", name).put("password", "s3cret-pass").encode();
    assertEquals(429, call(HttpMethod.POST, "/api/login", right, JSON).status());
  }

  @Test
  @DisplayName("positions: saved, read back, history newest first, private to each user")
  void positions() throws Exception {
    String alice = newUser(unique("alice"));
    String carol = newUser(unique("carol"));
    assertEquals(
        204,
        call(HttpMethod.PUT, "/api/me/positions/videoA", "{\"seconds\": 192.5}", bearer(alice))
            .status());
    // sendBeacon: POST with text/plain, cookie-less here but with the bearer token
    Map<String, String> beacon = new java.util.HashMap<>(bearer(alice));
    beacon.put("Content-Type", "text/plain;charset=UTF-8");
    assertEquals(
        204,
        call(HttpMethod.POST, "/api/me/positions/videoB", "{\"seconds\": 7}", beacon).status());

    TestHttp.Reply a = call(HttpMethod.GET, "/api/me/positions/videoA", null, bearer(alice));
    assertEquals(200, a.status());
    assertEquals(192.5, a.json().getDouble("seconds"));
    assertEquals("videoA", a.json().getString("videoId"));
    assertNotNull(a.json().getLong("updatedAt"));

    TestHttp.Reply history = call(HttpMethod.GET, "/api/me/history", null, bearer(alice));
    assertEquals(
        "videoB", history.json().getJsonArray("items").getJsonObject(0).getString("videoId"));
    assertEquals(
        "videoA", history.json().getJsonArray("items").getJsonObject(1).getString("videoId"));

    assertEquals(
        404, call(HttpMethod.GET, "/api/me/positions/videoA", null, bearer(carol)).status());
    assertEquals(
        0,
        call(HttpMethod.GET, "/api/me/history", null, bearer(carol))
            .json()
            .getJsonArray("items")
            .size());
    assertEquals(
        401,
        call(HttpMethod.PUT, "/api/me/positions/videoA", "{\"seconds\":1}", Map.of()).status());
    assertEquals(
        400,
        call(HttpMethod.PUT, "/api/me/positions/videoA", "{\"seconds\":-1}", bearer(alice))
            .status());
    assertEquals(
        400,
        call(HttpMethod.PUT, "/api/me/positions/videoA", "{\"seconds\":\"x\"}", bearer(alice))
            .status());
    assertEquals(
        400,
        call(HttpMethod.PUT, "/api/me/positions/a%2F..%2Fb", "{\"seconds\":1}", bearer(alice))
            .status());
  }
}
