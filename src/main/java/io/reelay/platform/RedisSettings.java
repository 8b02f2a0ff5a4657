package io.reelay.platform;

import io.reelay.config.ReelayConfig;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/** Redis client options shared by every Reelay verticle. */
public final class RedisSettings {
  private RedisSettings() {}

  /** How long any command may wait for its reply before it fails (see {@link TimeLimitedRedis}). */
  public static final long REQUEST_TIMEOUT_MS = 5000;

  /**
   * A pooled client with the shared options whose commands fail after {@link #REQUEST_TIMEOUT_MS}.
   */
  public static Redis client(Vertx vertx, ReelayConfig config) {
    return client(vertx, options(config));
  }

  public static Redis client(Vertx vertx, RedisOptions options) {
    return new TimeLimitedRedis(Redis.createClient(vertx, options), REQUEST_TIMEOUT_MS);
  }

  public static RedisOptions options(ReelayConfig config) {
    // A pooled client opens fresh connections on demand, so it recovers by itself once Redis is
    // back; waiting requests are bounded so an outage cannot pile up memory. Idle connections are
    // not recycled: with a 15 s recycle time, requests issued after an idle spell sometimes never
    // completed (seen as rare hangs in tests); broken connections are still dropped on error.
    return new RedisOptions()
        .setConnectionString(config.redisUrl().orElseThrow())
        .setMaxPoolSize(16)
        .setMaxPoolWaiting(256)
        .setPoolRecycleTimeout(-1);
  }
}
