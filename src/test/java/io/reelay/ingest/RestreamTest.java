package io.reelay.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.testing.FfmpegPublisher;
import io.reelay.testing.TestMedia;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Restream: FFmpeg publishes to stream A; Reelay pushes A over RTMP to a second ingest (its own
 * port, in the same process, stream B's key); FFmpeg reads B's live HLS. The downstream ingest is
 * then undeployed and deployed again on the same port: the push reconnects by itself.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RestreamTest {
  private static LiveServer server;
  private static int downstreamPort;
  private static JsonObject downstreamConfig;

  @BeforeAll
  static void start() throws Exception {
    server = new LiveServer(new JsonObject().put("graceSeconds", 30));
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      downstreamPort = probe.getLocalPort();
    }
    downstreamConfig =
        new JsonObject()
            .put("reelay", server.config.toJson().put("rtmpPort", downstreamPort))
            .put("graceSeconds", 30);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static String deployDownstream() throws Exception {
    return server
        .vertx
        .deployVerticle(
            new RtmpIngestVerticle(), new DeploymentOptions().setConfig(downstreamConfig))
        .await(30, TimeUnit.SECONDS);
  }

  private static JsonObject restream(String streamId) throws Exception {
    JsonObject ingest =
        new JsonObject(server.get("/api/streams/" + streamId).body()).getJsonObject("ingest");
    JsonArray r = ingest == null ? null : ingest.getJsonArray("restreams");
    return r == null || r.isEmpty() ? new JsonObject() : r.getJsonObject(0);
  }

  private static JsonObject awaitRestream(String streamId, String field, Object value)
      throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    JsonObject s = new JsonObject();
    while (System.currentTimeMillis() < deadline) {
      s = restream(streamId);
      if (value.equals(s.getValue(field))) {
        return s;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("restream never had " + field + "=" + value + ": " + s);
  }

  private static void ffmpegReadsLive(String path) throws Exception {
    TestMedia.Run run =
        TestMedia.run(
            List.of(
                TestMedia.ffmpeg(),
                "-v",
                "error",
                "-i",
                server.base() + path,
                "-t",
                "3",
                "-map",
                "0:v:0",
                "-f",
                "framemd5",
                "-"));
    assertEquals(0, run.exit(), run.err());
    long frames = run.out().lines().filter(l -> l.startsWith("0,")).count();
    assertTrue(frames >= 30, "decoded the downstream's live video: " + frames + " frames");
  }

  @Test
  @DisplayName(
      "restream targets are validated; the source is pushed to a second ingest whose live HLS"
          + " FFmpeg plays; the downstream going down and up is reconnected")
  void pushesAndReconnects() throws Exception {
    String downstreamDeployment = deployDownstream();
    JsonObject origin = server.createStream("origin");
    JsonObject edge = server.createStream("edge");
    String a = origin.getString("id");
    String b = edge.getString("id");

    String path = "/api/streams/" + a + "/restreams";
    String bad = new JsonObject().put("targets", new JsonArray().add("http://x/live/k")).encode();
    assertEquals(400, server.send("PUT", path, LiveServer.ADMIN, bad).statusCode());
    assertEquals(401, server.send("PUT", path, null, "{\"targets\":[]}").statusCode());
    String target = "rtmp://127.0.0.1:" + downstreamPort + "/live/" + edge.getString("key");
    String good = new JsonObject().put("targets", new JsonArray().add(target)).encode();
    assertEquals(200, server.send("PUT", path, LiveServer.ADMIN, good).statusCode());
    assertTrue(server.send("GET", path, LiveServer.ADMIN, null).body().contains(target));

    try (FfmpegPublisher ff =
        FfmpegPublisher.start(server.rtmp(origin.getString("key")), 60, "320x240")) {
      server.await("/live/" + b + "/source/index.m3u8", "#EXTINF", 30_000);
      JsonObject pushing = awaitRestream(a, "state", "publishing");
      assertTrue(!pushing.encode().contains(edge.getString("key")), "status hides the key");
      ffmpegReadsLive("/live/" + b + "/master.m3u8");

      // Downstream down: the push notices and backs off; up again: it reconnects.
      server.vertx.undeploy(downstreamDeployment).await(30, TimeUnit.SECONDS);
      awaitRestream(a, "state", "backoff");
      deployDownstream();
      JsonObject again = awaitRestream(a, "state", "publishing");
      assertTrue(again.getInteger("connects") >= 2, again.encode());
      server.await("/api/streams/" + b, "\"state\":\"live\"", 30_000);
      ffmpegReadsLive("/live/" + b + "/master.m3u8");
      assertTrue(ff.isAlive(), "the origin publish was never disturbed: " + ff.log());
    }
  }
}
