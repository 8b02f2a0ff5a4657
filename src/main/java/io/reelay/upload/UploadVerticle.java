package io.reelay.upload;

import io.reelay.bus.Addresses;
import io.reelay.config.ReelayConfig;
import io.reelay.platform.StatusEndpoint;
import io.reelay.platform.VerticleConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * Owns uploads into the object store: makes sure the bucket exists before anything lands, and
 * sweeps idle and half-completed uploads (see {@link UploadSweeper}). The upload routes themselves
 * are mounted by the HTTP delivery verticle ({@link UploadHttpModule}).
 */
public final class UploadVerticle extends VerticleBase {
  private UploadServices services;
  private UploadSweeper sweeper;
  private long timer = -1;
  private boolean sweeping;

  @Override
  public Future<?> start() {
    ReelayConfig config = VerticleConfig.of(config());
    return UploadServices.create(vertx, config)
        .compose(
            created -> {
              services = created;
              sweeper = new UploadSweeper(services);
              return services.store.ensureBucket();
            })
        .compose(
            v -> {
              // Often enough that expiry is punctual to a fraction of itself and a deferred
              // completion
              // follows within seconds; one ZRANGEBYSCORE per tick is cheap.
              long every =
                  Math.max(1000, Math.min(10_000, services.settings.expiry().toMillis() / 4));
              timer = vertx.setPeriodic(every, t -> sweepOnce());
              return StatusEndpoint.register(
                  vertx,
                  Addresses.UPLOAD_STATUS,
                  "upload",
                  () ->
                      new JsonObject()
                          .put("bucket", services.store.bucket())
                          .put("sweepEveryMillis", every));
            });
  }

  private void sweepOnce() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    sweeper.sweep().onComplete(ar -> sweeping = false);
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return services == null ? Future.succeededFuture() : services.close();
  }
}
