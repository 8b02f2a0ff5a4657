package io.reelay.vod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.reelay.auth.PlaybackTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Visibility and signed playback on a real transcoded video (real Kafka, Redis, S3, FFmpeg): who
 * sees it listed, the 403 matrix of its media, token propagation through every playlist, expiry,
 * and hls.js in Chromium playing a private video from its signed URL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrivatePlaybackTest {
  @TempDir static Path tmp;
  static VodHarness h;
  static String id;
  static String ownerToken;
  static String otherToken;

  @BeforeAll
  static void start() throws Exception {
    h = new VodHarness();
    ownerToken = signUp("owner");
    otherToken = signUp("other");
    String ownerId = call("GET", "/api/me", null, ownerToken).json().getString("id");
    assertNotNull(ownerId);
    Path source = VodHarness.clip(tmp, "private.mp4", "320x240", 6);
    id = h.submit(source, VodPipelineTest.SMALL_LADDER, ownerId);
    assertEquals("ready", h.await(id, Duration.ofSeconds(180)).getString("status"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (h != null) {
      h.close();
    }
  }

  record Reply(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  static Reply call(String method, String path, String body, String bearer) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(h.url(path)))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    HttpResponse<String> r = h.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  static String signUp(String prefix) throws Exception {
    String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String creds = new JsonObject().put("username", name).put("password", "s3cret-pass").encode();
    assertEquals(201, call("POST", "/api/users", creds, null).status());
    Reply login = call("POST", "/api/login", creds, null);
    assertEquals(200, login.status(), login.body());
    return login.json().getString("token");
  }

  static Reply setVisibility(String visibility, String bearer) throws Exception {
    return call(
        "PATCH",
        "/api/videos/" + id,
        new JsonObject().put("visibility", visibility).encode(),
        bearer);
  }

  /** Ids of the listing as {@code bearer} (null: anonymous) sees it. */
  static List<String> listed(String bearer) throws Exception {
    Reply r = call("GET", "/api/videos?limit=100", null, bearer);
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonArray("videos").stream()
        .map(v -> ((JsonObject) v).getString("id"))
        .toList();
  }

  static int status(String pathAndQuery) throws Exception {
    return h.get(pathAndQuery).statusCode();
  }

  /** Media status as an anonymous viewer, once the private setting has reached the node. */
  static int eventually(int expected, String path) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int s;
    do {
      s = status(path);
      if (s == expected) {
        return s;
      }
      TimeUnit.MILLISECONDS.sleep(250);
    } while (System.nanoTime() < deadline);
    return s;
  }

  static String master() {
    return "/vod/" + id + "/master.m3u8";
  }

  @Test
  @Order(1)
  @DisplayName("public: listed for everyone, media without a token; only the owner may change it")
  void publicVideo() throws Exception {
    assertTrue(listed(null).contains(id));
    assertTrue(listed(otherToken).contains(id));
    assertEquals(200, status(master()));
    assertEquals(401, setVisibility("private", null).status());
    Reply notOwner = setVisibility("private", otherToken);
    assertEquals(403, notOwner.status(), notOwner.body());
    assertEquals("forbidden", notOwner.json().getString("error"));
    Reply bad = setVisibility("secret", ownerToken);
    assertEquals(400, bad.status(), bad.body());
    assertTrue(bad.json().getString("message").contains("visibility"), bad.body());
  }

  @Test
  @Order(2)
  @DisplayName("private: listed and readable only for the owner and admins, with signed URLs")
  void privateListing() throws Exception {
    Reply set = setVisibility("private", ownerToken);
    assertEquals(200, set.status(), set.body());
    assertEquals("private", set.json().getString("visibility"));
    assertFalse(listed(null).contains(id), "anonymous listing hides it");
    assertFalse(listed(otherToken).contains(id), "another user's listing hides it");
    assertTrue(listed(ownerToken).contains(id), "the owner's listing shows it");
    assertTrue(listed("test-admin-token").contains(id), "the admin's listing shows it");
    assertEquals(404, call("GET", "/api/videos/" + id, null, null).status());
    assertEquals(404, call("GET", "/api/videos/" + id, null, otherToken).status());
    Reply mine = call("GET", "/api/videos/" + id, null, ownerToken);
    assertEquals(200, mine.status());
    String hls = mine.json().getString("hls");
    assertTrue(hls.startsWith(master() + "?token="), hls);
    assertTrue(mine.json().getString("thumbnail").contains("?token="), mine.body());
    assertTrue(mine.json().getJsonObject("playback").getLong("expiresAt") > 0);
    assertEquals(401, call("POST", "/api/videos/" + id + "/playback", null, null).status());
    assertEquals(404, call("POST", "/api/videos/" + id + "/playback", null, otherToken).status());
    Reply issued = call("POST", "/api/videos/" + id + "/playback", null, ownerToken);
    assertEquals(200, issued.status(), issued.body());
    assertTrue(issued.json().getString("hls").endsWith("?" + issued.json().getString("query")));
  }

  @Test
  @Order(3)
  @DisplayName("private media: 403 without, with a tampered, expired or other video's token")
  void forbiddenMatrix() throws Exception {
    setVisibility("private", ownerToken);
    String seg = "/vod/" + id + "/240p/seg-00001.m4s";
    assertEquals(403, eventually(403, master()));
    HttpResponse<byte[]> none = h.get(master(), "Origin", "http://player.test");
    JsonObject error = new JsonObject(new String(none.body(), StandardCharsets.UTF_8));
    assertEquals("playback_token_required", error.getString("error"));
    assertEquals("*", none.headers().firstValue("access-control-allow-origin").orElse(""));
    for (String path :
        List.of(
            seg,
            "/vod/" + id + "/240p/index.m3u8",
            "/vod/" + id + "/manifest.mpd",
            "/vod/" + id + "/poster.jpg",
            "/vod/" + id + "/storyboard/storyboard.vtt")) {
      assertEquals(403, status(path), path);
    }
    PlaybackTokens tokens = PlaybackTokens.forConfig(h.config);
    long later = Instant.now().plusSeconds(600).getEpochSecond();
    String good = tokens.sign(PlaybackAccess.prefix(id), later);
    assertEquals(200, status(seg + "?token=" + good));
    char last = good.charAt(good.length() - 2);
    String tampered =
        good.substring(0, good.length() - 2)
            + (last == 'A' ? 'B' : 'A')
            + good.charAt(good.length() - 1);
    String expired = tokens.sign(PlaybackAccess.prefix(id), Instant.now().getEpochSecond() - 1);
    String otherVideo = tokens.sign(PlaybackAccess.prefix("someOtherVideo"), later);
    String otherKey = new PlaybackTokens(new byte[32]).sign(PlaybackAccess.prefix(id), later);
    for (String bad : List.of(tampered, expired, otherVideo, otherKey, "garbage", "1.2.3")) {
      HttpResponse<byte[]> r = h.get(seg + "?token=" + bad);
      assertEquals(403, r.statusCode(), bad);
      assertEquals(
          "playback_token_invalid",
          new JsonObject(new String(r.body(), StandardCharsets.UTF_8)).getString("error"));
    }
    // Path tricks are refused before the token or storage is looked at.
    assertEquals(400, status("/vod/" + id + "/../x/master.m3u8?token=" + good));
    assertEquals(400, status("/vod/" + id + "%2F..%2Fmaster.m3u8?token=" + good));
    assertEquals(400, status("/vod/" + id + "/" + "a".repeat(300) + "?token=" + good));
  }

  @Test
  @Order(4)
  @DisplayName("a signed URL works until it expires")
  void expiry() throws Exception {
    setVisibility("private", ownerToken);
    eventually(403, master());
    String shortLived =
        PlaybackTokens.forConfig(h.config)
            .sign(PlaybackAccess.prefix(id), Instant.now().getEpochSecond() + 3);
    assertEquals(200, status(master() + "?token=" + shortLived));
    TimeUnit.SECONDS.sleep(5);
    assertEquals(403, status(master() + "?token=" + shortLived));
  }

  @Test
  @Order(5)
  @DisplayName("signed playlists pass the token to every child URL (HLS, DASH, storyboard)")
  void propagation() throws Exception {
    setVisibility("private", ownerToken);
    eventually(403, master());
    JsonObject mine = call("GET", "/api/videos/" + id, null, ownerToken).json();
    String query = "token=" + mine.getJsonObject("playback").getString("token");
    String master = h.text(mine.getString("hls"));
    String rendition = null;
    for (String line : master.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        assertTrue(line.endsWith("?" + query), line);
        rendition = rendition == null ? line : rendition;
      } else if (line.contains("URI=\"")) {
        assertTrue(line.contains("?" + query + "\""), line);
      }
    }
    assertNotNull(rendition);
    String media = h.text("/vod/" + id + "/" + rendition);
    int uris = 0;
    for (String line : media.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        assertTrue(line.endsWith("?" + query), line);
        String dir = rendition.substring(0, rendition.indexOf('/') + 1);
        assertEquals(200, status("/vod/" + id + "/" + dir + line), line);
        uris++;
      } else if (line.startsWith("#EXT-X-MAP")) {
        assertTrue(line.contains("?" + query + "\""), line);
      }
    }
    assertTrue(uris >= 3, media);
    String mpd = h.text(mine.getString("dash"));
    assertTrue(mpd.contains("m4s?" + query + "\""), mpd);
    assertTrue(mpd.contains("mp4?" + query + "\""), mpd);
    String vtt = h.text(mine.getString("storyboard"));
    assertTrue(vtt.contains(".jpg?" + query + "#xywh="), vtt);
    HttpResponse<byte[]> signed = h.get(mine.getString("hls"));
    assertTrue(
        signed.headers().firstValue("cache-control").orElse("").startsWith("private"),
        "a signed copy is not for shared caches");
  }

  @Test
  @Order(6)
  @DisplayName("hls.js in Chromium plays a private video from its signed URL")
  void hlsJsPlaysPrivate() throws Exception {
    assumeTrue(Files.isExecutable(VodPlayerTest.CHROMIUM), "no chromium (installed by .ci/run)");
    VodPlayerTest.npmCi();
    setVisibility("private", ownerToken);
    eventually(403, master());
    String hls = call("GET", "/api/videos/" + id, null, ownerToken).json().getString("hls");
    JsonObject r = VodPlayerTest.play("hls", h.url(hls));
    assertNull(r.getString("exception"), r.encode());
    assertEquals(new JsonArray(), r.getJsonArray("errors"), r.encode());
    assertTrue(r.getBoolean("started"), r.encode());
    assertTrue(r.getBoolean("continuedAfterSeek"), r.encode());
  }

  @Test
  @Order(7)
  @DisplayName("unlisted: not listed, playable by link; public again: listed")
  void unlistedThenPublic() throws Exception {
    assertEquals(200, setVisibility("unlisted", ownerToken).status());
    assertFalse(listed(null).contains(id));
    assertFalse(listed(otherToken).contains(id));
    assertTrue(listed(ownerToken).contains(id));
    assertEquals(200, call("GET", "/api/videos/" + id, null, null).status());
    assertEquals(200, eventually(200, master()));
    assertEquals(200, setVisibility("public", "test-admin-token").status());
    assertTrue(listed(null).contains(id));
  }
}
