package io.reelay.http;

import io.reelay.config.ReelayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * A capability's HTTP routes (uploads, VOD media, live media, accounts...). The HTTP delivery
 * verticle is the one HTTP server of a process; it mounts the modules of the roles the process
 * runs, so every capability keeps its routes in its own package.
 */
public interface HttpModule {
  /** Adds this module's routes to {@code router}; may first set up its clients. */
  Future<Void> mount(Vertx vertx, ReelayConfig config, Router router);

  /**
   * Called once the server listens on {@code port} (loopback reaches it there), for work that needs
   * the server itself; must not block.
   */
  default void listening(Vertx vertx, ReelayConfig config, int port) {}

  /** Releases what {@link #mount} created. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
