package io.reelay.health;

import io.reelay.config.ReelayConfig;
import io.reelay.platform.KafkaSettings;
import io.reelay.platform.RedisSettings;
import io.reelay.storage.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Probes Kafka, Redis and S3 with one cheap real request each. Every probe is bounded by a short
 * timeout, so a dead dependency makes health DOWN quickly instead of hanging the endpoint.
 */
public final class HealthCheck {
  private static final long TIMEOUT_MS = 3000;

  private final KafkaAdminClient kafka;
  private final Redis redisClient;
  private final RedisAPI redis;
  private final ObjectStore s3;

  public HealthCheck(Vertx vertx, ReelayConfig config) {
    this.kafka = KafkaAdminClient.create(vertx, KafkaSettings.admin(config));
    this.redisClient = Redis.createClient(vertx, RedisSettings.options(config));
    this.redis = RedisAPI.api(redisClient);
    this.s3 = new ObjectStore(vertx, config);
  }

  /** {@code {"status":"UP|DOWN","services":{"kafka":{"status":..},...}}}. */
  public Future<JsonObject> check() {
    Future<JsonObject> kafkaStatus =
        probe(kafka.describeCluster().map(d -> new JsonObject().put("nodes", d.getNodes().size())));
    Future<JsonObject> redisStatus = probe(redis.ping(List.of()).map(r -> new JsonObject()));
    Future<JsonObject> s3Status =
        probe(s3.ping().map(v -> new JsonObject().put("bucket", s3.bucket())));
    return Future.join(kafkaStatus, redisStatus, s3Status)
        .transform(
            ignored -> {
              JsonObject services =
                  new JsonObject()
                      .put("kafka", kafkaStatus.result())
                      .put("redis", redisStatus.result())
                      .put("s3", s3Status.result());
              boolean up =
                  services.stream()
                      .allMatch(e -> "UP".equals(((JsonObject) e.getValue()).getString("status")));
              return Future.succeededFuture(
                  new JsonObject().put("status", up ? "UP" : "DOWN").put("services", services));
            });
  }

  private static Future<JsonObject> probe(Future<JsonObject> request) {
    long start = System.nanoTime();
    return request
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(
            details ->
                details
                    .put("status", "UP")
                    .put("latencyMs", (System.nanoTime() - start) / 1_000_000))
        .otherwise(
            err ->
                new JsonObject()
                    .put("status", "DOWN")
                    .put("error", err.getMessage() == null ? err.toString() : err.getMessage()));
  }

  public Future<Void> close() {
    redisClient.close();
    return kafka.close();
  }
}
