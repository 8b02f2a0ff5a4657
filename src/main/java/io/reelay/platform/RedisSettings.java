package io.reelay.platform;

import io.reelay.config.ReelayConfig;
import io.vertx.redis.client.RedisOptions;

/** Redis client options shared by every Reelay verticle. */
public final class RedisSettings {
  private RedisSettings() {}

  public static RedisOptions options(ReelayConfig config) {
    // A pooled client opens fresh connections on demand, so it recovers by itself once Redis is
    // back; waiting requests are bounded so an outage cannot pile up memory.
    return new RedisOptions()
        .setConnectionString(config.redisUrl().orElseThrow())
        .setMaxPoolSize(16)
        .setMaxPoolWaiting(256)
        .setPoolRecycleTimeout(15_000);
  }
}
