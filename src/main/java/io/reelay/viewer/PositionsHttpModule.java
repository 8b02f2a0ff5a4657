package io.reelay.viewer;

import io.reelay.auth.Authenticator;
import io.reelay.auth.Principal;
import io.reelay.config.ReelayConfig;
import io.reelay.http.HttpModule;
import io.reelay.platform.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.regex.Pattern;

/**
 * Resume-where-you-left-off: {@code PUT /api/me/positions/{videoId}} (and POST, because the
 * browser's sendBeacon on page close can only POST), {@code GET} of one position, and {@code GET
 * /api/me/history}. Every call acts on the caller's own data only.
 */
public final class PositionsHttpModule implements HttpModule {
  static final Pattern VIDEO_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final double MAX_SECONDS = 1e7;

  private Redis client;
  private PositionStore positions;
  private Authenticator auth;

  @Override
  public Future<Void> mount(Vertx vertx, ReelayConfig config, Router router) {
    client = RedisSettings.client(vertx, config);
    RedisAPI redis = RedisAPI.api(client);
    positions = new PositionStore(redis);
    auth = new Authenticator(config, redis);
    BodyHandler small = BodyHandler.create().setBodyLimit(4 * 1024);
    router.put("/api/me/positions/:videoId").handler(small).handler(this::save);
    router.post("/api/me/positions/:videoId").handler(small).handler(this::save);
    router.get("/api/me/positions/:videoId").handler(this::get);
    router.get("/api/me/history").handler(this::history);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  private static String videoId(RoutingContext ctx) {
    String id = ctx.pathParam("videoId");
    if (id == null || !VIDEO_ID.matcher(id).matches()) {
      throw new HttpException(400, "bad video id");
    }
    return id;
  }

  private void save(RoutingContext ctx) {
    String videoId = videoId(ctx);
    double seconds;
    try {
      // sendBeacon posts text/plain, so the body is parsed whatever its content type says.
      JsonObject body = new JsonObject(ctx.body().asString());
      Object value = body.getValue("seconds");
      if (!(value instanceof Number n)) {
        throw new HttpException(400, "seconds must be a number");
      }
      seconds = n.doubleValue();
    } catch (DecodeException | NullPointerException e) {
      throw new HttpException(400, "body must be {\"seconds\": n}");
    }
    if (!Double.isFinite(seconds) || seconds < 0 || seconds > MAX_SECONDS) {
      throw new HttpException(400, "seconds must be between 0 and " + (long) MAX_SECONDS);
    }
    double value = seconds;
    auth.require(ctx, Principal.Role.VIEWER)
        .compose(p -> positions.save(p.userId(), videoId, value, System.currentTimeMillis()))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    String videoId = videoId(ctx);
    auth.require(ctx, Principal.Role.VIEWER)
        .compose(p -> positions.get(p.userId(), videoId))
        .onSuccess(
            pos -> {
              if (pos.isEmpty()) {
                ctx.fail(new HttpException(404, "no saved position"));
                return;
              }
              ctx.response()
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Cache-Control", "no-store")
                  .end(pos.get().toJson().encode());
            })
        .onFailure(ctx::fail);
  }

  private void history(RoutingContext ctx) {
    auth.require(ctx, Principal.Role.VIEWER)
        .compose(p -> positions.history(p.userId(), 50))
        .onSuccess(
            list ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(new JsonObject().put("items", PositionStore.toJson(list)).encode()))
        .onFailure(ctx::fail);
  }
}
