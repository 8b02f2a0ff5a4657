package io.reelay.upload;

import io.reelay.bus.Addresses;
import io.reelay.platform.Backoff;
import io.reelay.platform.StatusEndpoint;
import io.reelay.platform.VerticleConfig;
import io.reelay.storage.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/** Owns uploads into the object store; makes sure the bucket exists before anything lands. */
public final class UploadVerticle extends VerticleBase {
  private ObjectStore store;

  @Override
  public Future<?> start() {
    return vertx
        .executeBlocking(() -> new ObjectStore(vertx, VerticleConfig.of(config())))
        .compose(
            created -> {
              store = created;
              // In the background: an object store that is down must not stop the server.
              Backoff.untilSuccess(vertx, "creating the S3 bucket", store::ensureBucket);
              return Future.succeededFuture();
            })
        .compose(
            v ->
                StatusEndpoint.register(
                    vertx,
                    Addresses.UPLOAD_STATUS,
                    "upload",
                    () -> new JsonObject().put("bucket", store.bucket())));
  }
}
