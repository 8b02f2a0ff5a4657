package io.reelay.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.auth.Authenticator;
import io.reelay.bus.Addresses;
import io.reelay.config.ReelayConfig;
import io.reelay.http.HttpDeliveryVerticle;
import io.reelay.platform.RedisSettings;
import io.reelay.platform.ReelayVertx;
import io.reelay.testing.TestServices;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The stream-key API over HTTP against real Redis. */
class StreamApiTest {
  private static Vertx vertx;
  private static RedisAPI redis;
  private static StreamStore store;
  private static int port;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String ADMIN = "test-admin-token";

  @BeforeAll
  static void start() throws Exception {
    vertx = ReelayVertx.create();
    ReelayConfig config = TestServices.config();
    vertx
        .deployVerticle(
            new HttpDeliveryVerticle(),
            new DeploymentOptions().setConfig(new JsonObject().put("reelay", config.toJson())))
        .await(30, TimeUnit.SECONDS);
    port =
        vertx
            .eventBus()
            .<JsonObject>request(Addresses.DELIVERY_STATUS, null)
            .await(5, TimeUnit.SECONDS)
            .body()
            .getInteger("port");
    Redis client = Redis.createClient(vertx, RedisSettings.options(config));
    redis = RedisAPI.api(client);
    store = new StreamStore(client);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A creator (or viewer) session as the login work will store it. */
  private static String session(String role) throws Exception {
    String token = UUID.randomUUID().toString();
    JsonObject user =
        new JsonObject()
            .put("userId", "u-" + token.substring(0, 8))
            .put("username", "user-" + token.substring(0, 8))
            .put("role", role);
    redis.set(List.of(Authenticator.sessionKey(token), user.encode())).await(5, TimeUnit.SECONDS);
    return token;
  }

  private static HttpResponse<String> call(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("create shows the key once, stores only its hash; list, get, rotate, delete")
  void lifecycle() throws Exception {
    String alice = session("CREATOR");
    String bob = session("CREATOR");
    HttpResponse<String> created =
        call("POST", "/api/streams", alice, "{\"title\":\"Alice live\"}");
    assertEquals(201, created.statusCode(), created.body());
    JsonObject c = new JsonObject(created.body());
    String id = c.getString("id");
    String key = c.getString("key");
    assertTrue(id.matches("[A-Za-z0-9_-]{1,64}"), id);
    // 256 random bits, base64url: 43 characters after the prefix.
    assertEquals(46, key.length(), key);
    assertTrue(c.getString("rtmpUrl").startsWith("rtmp://127.0.0.1:"), c.encode());
    assertTrue(c.getString("rtmpUrl").endsWith("/live"), c.encode());
    assertEquals("idle", c.getString("state"));

    // Nothing in Redis holds the key itself: a dump reveals no usable key.
    Response keys = redis.keys("reelay:stream*").await(5, TimeUnit.SECONDS);
    for (Response k : keys) {
      assertFalse(k.toString().contains(key), k.toString());
      Response type = redis.type(k.toString()).await(5, TimeUnit.SECONDS);
      String dump =
          "hash".equals(type.toString())
              ? redis.hgetall(k.toString()).await(5, TimeUnit.SECONDS).toString()
              : "string".equals(type.toString())
                  ? String.valueOf(redis.get(k.toString()).await(5, TimeUnit.SECONDS))
                  : "";
      assertFalse(dump.contains(key), k + " holds the key");
    }
    assertEquals(id, store.idForKey(key).await(5, TimeUnit.SECONDS));

    // Public state, without key or hash.
    HttpResponse<String> got = call("GET", "/api/streams/" + id, null, null);
    assertEquals(200, got.statusCode());
    JsonObject g = new JsonObject(got.body());
    assertEquals("idle", g.getString("state"));
    assertEquals("Alice live", g.getString("title"));
    assertNull(g.getString("key"));
    assertFalse(got.body().contains(key));

    // Lists: own streams only; the admin sees all.
    assertTrue(list(alice).contains(id));
    assertFalse(list(bob).contains(id));
    assertTrue(list(ADMIN).contains(id));
    assertEquals(401, call("GET", "/api/streams", null, null).statusCode());
    assertEquals(403, call("POST", "/api/streams", session("VIEWER"), "{}").statusCode());
    assertEquals(400, call("POST", "/api/streams", alice, "{\"title\":7}").statusCode());
    assertEquals(400, call("POST", "/api/streams", alice, "not json").statusCode());

    // Someone else's stream cannot be changed (and is not confirmed to exist).
    assertEquals(404, call("POST", "/api/streams/" + id + "/key", bob, null).statusCode());
    assertEquals(404, call("DELETE", "/api/streams/" + id, bob, null).statusCode());

    HttpResponse<String> rotated = call("POST", "/api/streams/" + id + "/key", alice, null);
    assertEquals(200, rotated.statusCode(), rotated.body());
    String newKey = new JsonObject(rotated.body()).getString("key");
    assertNotEquals(key, newKey);
    assertNull(store.idForKey(key).await(5, TimeUnit.SECONDS), "the old key no longer works");
    assertEquals(id, store.idForKey(newKey).await(5, TimeUnit.SECONDS));

    assertEquals(204, call("DELETE", "/api/streams/" + id, alice, null).statusCode());
    assertEquals(404, call("GET", "/api/streams/" + id, null, null).statusCode());
    assertNull(store.idForKey(newKey).await(5, TimeUnit.SECONDS));
    assertFalse(list(ADMIN).contains(id));
    assertEquals(404, call("GET", "/api/streams/..%2Fx", null, null).statusCode());
  }

  private static List<String> list(String token) throws Exception {
    HttpResponse<String> r = call("GET", "/api/streams", token, null);
    assertEquals(200, r.statusCode(), r.body());
    JsonArray a = new JsonObject(r.body()).getJsonArray("streams");
    return a.stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }
}
