package io.reelay.web;

import io.reelay.config.ReelayConfig;
import io.reelay.http.HttpModule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web app, bundled into the jar's {@code webroot} by the build: hashed-name assets served as
 * cacheable files, and the app's pages (client-side routed) all answered with its index page.
 */
public final class WebAppHttpModule implements HttpModule {
  /** Paths the client-side router owns; everything under /api, /vod, /live/{id}/… is not here. */
  static final String[] PAGES = {
    "/", "/upload", "/live", "/live/:id", "/go-live", "/login", "/watch/:id"
  };

  @Override
  public Future<Void> mount(Vertx vertx, ReelayConfig config, Router router) {
    router
        .route("/assets/*")
        .handler(
            StaticHandler.create("webroot/assets").setCachingEnabled(true).setMaxAgeSeconds(3600));
    for (String page : PAGES) {
      router.get(page).handler(WebAppHttpModule::serveIndex);
    }
    return Future.succeededFuture();
  }

  private static void serveIndex(RoutingContext ctx) {
    // The page must always be fresh so a new build's asset names are picked up.
    ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .sendFile("webroot/index.html")
        .onFailure(ctx::fail);
  }
}
