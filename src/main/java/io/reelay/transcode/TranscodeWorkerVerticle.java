package io.reelay.transcode;

import io.reelay.bus.Addresses;
import io.reelay.platform.StatusEndpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * Runs chunk transcodes on worker threads (deployed with the WORKER threading model), so FFmpeg
 * never blocks an event loop.
 */
public final class TranscodeWorkerVerticle extends VerticleBase {
  @Override
  public Future<?> start() {
    return StatusEndpoint.register(
        vertx,
        Addresses.WORKER_STATUS,
        "transcode-worker",
        () -> new JsonObject().put("thread", Thread.currentThread().getName()));
  }
}
