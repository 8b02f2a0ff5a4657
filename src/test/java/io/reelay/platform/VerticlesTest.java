package io.reelay.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.bus.Addresses;
import io.reelay.cache.SegmentCacheVerticle;
import io.reelay.http.HttpDeliveryVerticle;
import io.reelay.ingest.RtmpIngestVerticle;
import io.reelay.livevod.LiveToVodVerticle;
import io.reelay.manifest.ManifestVerticle;
import io.reelay.testing.TestServices;
import io.reelay.transcode.TranscodeDispatchVerticle;
import io.reelay.transcode.TranscodeWorkerVerticle;
import io.reelay.upload.UploadVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(VertxExtension.class)
class VerticlesTest {

  static java.util.stream.Stream<Arguments> verticles() {
    Map<String, Supplier<io.vertx.core.Deployable>> all =
        Map.of(
            Addresses.INGEST_STATUS, RtmpIngestVerticle::new,
            Addresses.UPLOAD_STATUS, UploadVerticle::new,
            Addresses.DISPATCH_STATUS, TranscodeDispatchVerticle::new,
            Addresses.WORKER_STATUS, TranscodeWorkerVerticle::new,
            Addresses.CACHE_STATUS, SegmentCacheVerticle::new,
            Addresses.MANIFEST_STATUS, ManifestVerticle::new,
            Addresses.DELIVERY_STATUS, HttpDeliveryVerticle::new,
            Addresses.LIVE_TO_VOD_STATUS, LiveToVodVerticle::new);
    return all.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("verticles")
  @DisplayName("each verticle deploys against the real services and answers its status address")
  void deploysAndAnswers(
      String address,
      Supplier<io.vertx.core.Deployable> factory,
      Vertx vertx,
      VertxTestContext ctx) {
    DeploymentOptions options = new DeploymentOptions().setConfig(TestServices.verticleConfig());
    if (address.equals(Addresses.WORKER_STATUS)) {
      options.setThreadingModel(ThreadingModel.WORKER);
    }
    vertx
        .deployVerticle(factory.get(), options)
        .compose(id -> vertx.eventBus().<JsonObject>request(address, null))
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertEquals("running", reply.body().getString("state"));
                          assertTrue(reply.body().containsKey("verticle"));
                          if (address.equals(Addresses.WORKER_STATUS)) {
                            // Worker verticles must never run on an event-loop thread.
                            assertTrue(
                                !reply.body().getString("thread").contains("eventloop"),
                                reply.body().encode());
                          }
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("segment cache stores bytes in Redis with a TTL and returns them unchanged")
  void segmentCacheRoundTrip(Vertx vertx, VertxTestContext ctx) {
    byte[] media = new byte[200_000];
    new java.util.Random(7).nextBytes(media);
    io.vertx.core.buffer.Buffer body = io.vertx.core.buffer.Buffer.buffer(media);
    io.vertx.core.eventbus.DeliveryOptions put =
        new io.vertx.core.eventbus.DeliveryOptions()
            .addHeader("key", "live/s1/720p/seg-1.m4s")
            .addHeader("ttl-ms", "5000");
    io.vertx.redis.client.Redis redis =
        io.vertx.redis.client.Redis.createClient(
            vertx, RedisSettings.options(TestServices.config()));
    vertx
        .deployVerticle(
            new SegmentCacheVerticle(),
            new DeploymentOptions().setConfig(TestServices.verticleConfig()))
        .compose(id -> vertx.eventBus().request(Addresses.CACHE_PUT, body, put))
        .compose(
            r ->
                vertx
                    .eventBus()
                    .<io.vertx.core.buffer.Buffer>request(
                        Addresses.CACHE_GET, "live/s1/720p/seg-1.m4s"))
        .compose(
            got -> {
              ctx.verify(() -> assertEquals(body, got.body()));
              return io.vertx.redis.client.RedisAPI.api(redis)
                  .pttl("reelay:cache:live/s1/720p/seg-1.m4s");
            })
        .compose(
            ttl -> {
              ctx.verify(() -> assertTrue(ttl.toLong() > 0 && ttl.toLong() <= 5000, "ttl " + ttl));
              return vertx.eventBus().request(Addresses.CACHE_GET, "no/such/key");
            })
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertEquals(404, ((ReplyException) err).failureCode());
                          redis.close();
                          ctx.completeNow();
                        })));
    assertTrue(true);
  }

  @Test
  @DisplayName("segment cache refuses a missing TTL instead of storing forever")
  void segmentCacheRejectsBadPut(Vertx vertx, VertxTestContext ctx) throws Exception {
    vertx
        .deployVerticle(
            new SegmentCacheVerticle(),
            new DeploymentOptions().setConfig(TestServices.verticleConfig()))
        .compose(
            id ->
                vertx
                    .eventBus()
                    .request(
                        Addresses.CACHE_PUT,
                        io.vertx.core.buffer.Buffer.buffer("x"),
                        new io.vertx.core.eventbus.DeliveryOptions().addHeader("key", "k")))
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertEquals(400, ((ReplyException) err).failureCode());
                          ctx.completeNow();
                        })));
    assertTrue(ctx.awaitCompletion(30, TimeUnit.SECONDS));
  }
}
