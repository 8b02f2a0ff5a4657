package io.reelay.platform;

import io.reelay.config.ReelayConfig;
import io.vertx.core.json.JsonObject;

/** Reads the node configuration every verticle receives under {@code "reelay"} in its config. */
public final class VerticleConfig {
  public static final String KEY = "reelay";

  private VerticleConfig() {}

  public static ReelayConfig of(JsonObject verticleConfig) {
    JsonObject json = verticleConfig.getJsonObject(KEY);
    if (json == null) {
      throw new IllegalStateException("verticle deployed without the '" + KEY + "' config");
    }
    return ReelayConfig.fromJson(json);
  }
}
