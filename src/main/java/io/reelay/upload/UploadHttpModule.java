package io.reelay.upload;

import io.reelay.auth.Authenticator;
import io.reelay.config.ReelayConfig;
import io.reelay.http.HttpModule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * The upload capability's routes: tus at {@code /files/}, plain {@code POST /api/videos}, presigned
 * direct-to-S3 uploads under {@code /api/uploads/}, and the video records. No route buffers a
 * request body beyond a small bounded JSON.
 */
public final class UploadHttpModule implements HttpModule {
  private volatile UploadServices services;
  private volatile Authenticator auth;

  @Override
  public Future<Void> mount(Vertx vertx, ReelayConfig config, Router router) {
    // Routes go in now, in order; the clients they use are ready before the server listens.
    new TusRoutes(() -> services, () -> auth).mount(router);
    new PresignRoutes(() -> services, () -> auth).mount(router);
    new PlainUploadRoute(() -> services, () -> auth).mount(router);
    new VideoRoutes(() -> services, () -> auth).mount(router);
    return UploadServices.create(vertx, config)
        .compose(
            s -> {
              services = s;
              auth = new Authenticator(config, s.redis);
              return clearPartFiles(vertx, s);
            });
  }

  @Override
  public void listening(Vertx vertx, ReelayConfig config, int port) {
    // Once per process, whatever the number of delivery instances.
    long bytes = services.settings.warmupBytes();
    if (bytes > 0
        && vertx.sharedData().getLocalMap("reelay.upload").putIfAbsent("warmed-up", true) == null) {
      new UploadWarmup(vertx, config, port, bytes).run();
    }
  }

  /** Part files left by a crash are useless (their bytes were never committed): drop them once. */
  private static Future<Void> clearPartFiles(Vertx vertx, UploadServices s) {
    boolean first =
        vertx.sharedData().getLocalMap("reelay.upload").putIfAbsent("tmp-cleared", true) == null;
    if (!first) {
      return Future.succeededFuture();
    }
    String dir = s.tmpDir.toString();
    return vertx
        .fileSystem()
        .exists(dir)
        .compose(
            exists -> exists ? vertx.fileSystem().deleteRecursive(dir) : Future.succeededFuture());
  }

  @Override
  public Future<Void> close() {
    return services == null ? Future.succeededFuture() : services.close();
  }
}
