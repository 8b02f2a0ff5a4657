package io.reelay.http;

import io.reelay.bus.Addresses;
import io.reelay.config.ReelayConfig;
import io.reelay.health.HealthCheck;
import io.reelay.platform.PortInUse;
import io.reelay.platform.StatusEndpoint;
import io.reelay.platform.VerticleConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The HTTP face of Reelay: REST API, health, metrics, media and the web UI on one port. */
public final class HttpDeliveryVerticle extends VerticleBase {
  private HealthCheck health;
  private HttpServer server;
  private final List<HttpModule> modules = new ArrayList<>();

  @Override
  public Future<?> start() {
    ReelayConfig config = VerticleConfig.of(config());
    // Client construction loads classes and resolves hosts: keep it off the event loop.
    return vertx
        .executeBlocking(() -> new HealthCheck(vertx, config))
        .compose(
            check -> {
              health = check;
              return listen(config);
            });
  }

  private Future<HttpServer> listen(ReelayConfig config) {
    modules.addAll(HttpModules.forConfig(config));
    Router router = Router.router(vertx);
    router
        .route()
        .handler(
            CorsHandler.create()
                .addOrigin("*")
                .allowedMethods(
                    Set.of(
                        HttpMethod.GET,
                        HttpMethod.HEAD,
                        HttpMethod.POST,
                        HttpMethod.PUT,
                        HttpMethod.PATCH,
                        HttpMethod.DELETE,
                        HttpMethod.OPTIONS))
                .allowedHeaders(
                    Set.of(
                        "Authorization",
                        "Content-Type",
                        "Range",
                        "Tus-Resumable",
                        "Upload-Length",
                        "Upload-Offset",
                        "Upload-Metadata",
                        "Upload-Checksum",
                        "Upload-Defer-Length",
                        "Upload-Concat",
                        "X-HTTP-Method-Override"))
                .exposedHeaders(
                    Set.of(
                        "Location",
                        "ETag",
                        "Content-Range",
                        "Upload-Offset",
                        "Upload-Length",
                        "Upload-Defer-Length",
                        "Upload-Expires",
                        "Upload-Metadata",
                        "Tus-Resumable",
                        "Tus-Version",
                        "Tus-Extension",
                        "Tus-Max-Size",
                        "Tus-Checksum-Algorithm")));
    router
        .get("/health")
        .handler(
            ctx ->
                health
                    .check()
                    .onSuccess(
                        report -> {
                          int status = "UP".equals(report.getString("status")) ? 200 : 503;
                          ctx.response()
                              .setStatusCode(status)
                              .putHeader("Content-Type", "application/json")
                              .putHeader("Cache-Control", "no-store")
                              .end(report.encode());
                        })
                    .onFailure(ctx::fail));
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    Future<Void> mounted = Future.succeededFuture();
    for (HttpModule module : modules) {
      mounted = mounted.compose(v -> module.mount(vertx, config, router));
    }
    router.route().last().handler(ctx -> ApiErrors.send(ctx.response(), 404, "not_found", null));
    router.route().failureHandler(ApiErrors::handle);

    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.httpHost())
            .setPort(port(config))
            // No generic compression: Vert.x's compressor in the pipeline rules out sendfile(2)
            // on the connection. Text responses are gzipped one by one (Gzip), media never.
            .setCompressionSupported(false)
            // Request bodies reach handlers in pieces of up to this (Netty's default is 8 KiB): an
            // upload streamed on to S3 costs a write and a flush per piece.
            .setMaxChunkSize(64 * 1024)
            // h2c: HTTP/2 over cleartext for clients and CDNs that speak it.
            .setHttp2ClearTextEnabled(true);
    return mounted
        .compose(
            v ->
                StatusEndpoint.register(
                    vertx, Addresses.DELIVERY_STATUS, "http-delivery", () -> httpDetails()))
        .compose(
            c ->
                vertx
                    .createHttpServer(options)
                    .requestHandler(router)
                    .listen()
                    .recover(
                        err ->
                            Future.failedFuture(
                                PortInUse.is(err)
                                    ? new IllegalStateException(
                                        "REELAY_HTTP_PORT: port "
                                            + config.httpPort()
                                            + " is already in use")
                                    : err)))
        .onSuccess(
            s -> {
              server = s;
              modules.forEach(m -> m.listening(vertx, config, s.actualPort()));
            });
  }

  /**
   * Instances of this verticle (one per core by default) share one server, which Vert.x spreads
   * over their event loops. A random port (0) would give each instance its own; a negative one is
   * Vert.x's random port shared by the instances.
   */
  private int port(ReelayConfig config) {
    return config.httpPort() == 0 && context.getInstanceCount() > 1 ? -1 : config.httpPort();
  }

  private JsonObject httpDetails() {
    return new JsonObject().put("port", server == null ? -1 : server.actualPort());
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    Future<Void> closeServer = server == null ? Future.succeededFuture() : server.close();
    return Future.join(closeServer, health == null ? Future.succeededFuture() : health.close());
  }
}
