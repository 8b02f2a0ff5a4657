package io.reelay.manifest;

import io.reelay.bus.Addresses;
import io.reelay.platform.StatusEndpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/** Renders HLS and DASH manifests from segment index state. */
public final class ManifestVerticle extends VerticleBase {
  @Override
  public Future<?> start() {
    return StatusEndpoint.register(vertx, Addresses.MANIFEST_STATUS, "manifest", JsonObject::new);
  }
}
