package io.reelay.cache;

import io.reelay.bus.Addresses;
import io.reelay.platform.RedisSettings;
import io.reelay.platform.StatusEndpoint;
import io.reelay.platform.VerticleConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Request;

/**
 * Keeps short-lived media (the live window) in Redis with a TTL. Other verticles store and fetch
 * bytes over the event bus: {@code CACHE_PUT} with headers {@code key} and {@code ttl-ms}, {@code
 * CACHE_GET} with the key as body (a miss fails the reply with 404).
 */
public final class SegmentCacheVerticle extends VerticleBase {
  static final String KEY_PREFIX = "reelay:cache:";
  static final long MAX_TTL_MS = 24 * 3600 * 1000L;
  static final int MAX_KEY_LENGTH = 512;

  private Redis client;
  private RedisAPI redis;

  @Override
  public Future<?> start() {
    client = RedisSettings.client(vertx, VerticleConfig.of(config()));
    redis = RedisAPI.api(client);
    vertx.eventBus().<Buffer>consumer(Addresses.CACHE_PUT, this::put);
    vertx.eventBus().<String>consumer(Addresses.CACHE_GET, this::get);
    return StatusEndpoint.register(
        vertx,
        Addresses.CACHE_STATUS,
        "segment-cache",
        () -> new JsonObject().put("store", "redis"));
  }

  private void put(Message<Buffer> msg) {
    String key = msg.headers().get("key");
    long ttl;
    try {
      ttl = Long.parseLong(msg.headers().get("ttl-ms"));
    } catch (NumberFormatException | NullPointerException e) {
      msg.fail(400, "ttl-ms header missing or not a number");
      return;
    }
    if (!validKey(key) || ttl <= 0 || ttl > MAX_TTL_MS || msg.body() == null) {
      msg.fail(400, "bad key, ttl or body");
      return;
    }
    // Raw bytes as a bulk string: no text conversion of media.
    client
        .send(Request.cmd(Command.SET).arg(KEY_PREFIX + key).arg(msg.body()).arg("PX").arg(ttl))
        .onSuccess(r -> msg.reply(null))
        .onFailure(err -> msg.fail(503, "redis: " + err.getMessage()));
  }

  private void get(Message<String> msg) {
    String key = msg.body();
    if (!validKey(key)) {
      msg.fail(400, "bad key");
      return;
    }
    redis
        .get(KEY_PREFIX + key)
        .onSuccess(
            r -> {
              if (r == null) {
                msg.fail(404, "miss");
              } else {
                msg.reply(r.toBuffer());
              }
            })
        .onFailure(err -> msg.fail(503, "redis: " + err.getMessage()));
  }

  private static boolean validKey(String key) {
    return key != null && !key.isEmpty() && key.length() <= MAX_KEY_LENGTH;
  }

  @Override
  public Future<?> stop() {
    client.close();
    return Future.succeededFuture();
  }
}
