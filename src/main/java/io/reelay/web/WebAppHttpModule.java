package io.reelay.web;

import io.reelay.config.ReelayConfig;
import io.reelay.http.Gzip;
import io.reelay.http.HttpModule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The web app, bundled into the jar's {@code webroot} by the build: hashed-name assets served as
 * cacheable files, and the app's pages (client-side routed) all answered with its index page.
 * Scripts and styles go out gzipped when the browser accepts it, from copies the build compressed
 * ({@code webroot/precompressed.txt} lists them), held in memory since the app is small.
 */
public final class WebAppHttpModule implements HttpModule {
  /** Paths the client-side router owns; everything under /api, /vod, /live/{id}/… is not here. */
  static final String[] PAGES = {
    "/", "/upload", "/live", "/live/:id", "/go-live", "/login", "/watch/:id"
  };

  private static final int ASSET_MAX_AGE = 3600;

  @Override
  public Future<Void> mount(Vertx vertx, ReelayConfig config, Router router) {
    return vertx
        .executeBlocking(WebAppHttpModule::loadGzippedAssets)
        .map(
            gzipped -> {
              router.get("/assets/*").handler(ctx -> serveGzipped(ctx, gzipped));
              router
                  .route("/assets/*")
                  .handler(
                      StaticHandler.create("webroot/assets")
                          .setCachingEnabled(true)
                          .setMaxAgeSeconds(ASSET_MAX_AGE));
              for (String page : PAGES) {
                router.get(page).handler(WebAppHttpModule::serveIndex);
              }
              return null;
            });
  }

  /** The build's gzipped assets, by request path. */
  private static Map<String, Buffer> loadGzippedAssets() {
    Map<String, Buffer> gzipped = new HashMap<>();
    ClassLoader loader = WebAppHttpModule.class.getClassLoader();
    try (InputStream list = loader.getResourceAsStream("webroot/precompressed.txt")) {
      if (list == null) {
        return gzipped; // a build without the web app: everything goes out as it is
      }
      for (String name : new String(list.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (name.isBlank()) {
          continue;
        }
        try (InputStream gz = loader.getResourceAsStream("webroot/assets/" + name + ".gz")) {
          if (gz != null) {
            gzipped.put("/assets/" + name, Buffer.buffer(gz.readAllBytes()));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the web app's gzipped assets", e);
    }
    return gzipped;
  }

  private static void serveGzipped(RoutingContext ctx, Map<String, Buffer> gzipped) {
    Buffer body = gzipped.get(ctx.request().path());
    ctx.response().putHeader(HttpHeaders.VARY, "Accept-Encoding");
    if (body == null || !Gzip.accepts(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING))) {
      ctx.next();
      return;
    }
    String path = ctx.request().path();
    ctx.response()
        .putHeader(
            HttpHeaders.CONTENT_TYPE,
            path.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8")
        .putHeader(HttpHeaders.CONTENT_ENCODING, "gzip")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=" + ASSET_MAX_AGE)
        .end(body);
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
