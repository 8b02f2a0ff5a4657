package io.reelay.vod;

import io.reelay.auth.AccountsHttpModule;
import io.reelay.auth.Authenticator;
import io.reelay.auth.Principal;
import io.reelay.config.ReelayConfig;
import io.reelay.http.HttpModule;
import io.reelay.platform.Backoff;
import io.reelay.platform.RedisSettings;
import io.reelay.video.Video;
import io.reelay.video.VideoStore;
import io.reelay.video.Visibility;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Instant;

/**
 * Who may watch a video: {@code PATCH /api/videos/{id}} {@code {"visibility":
 * "public"|"unlisted"|"private"}} (owner or admin) and {@code POST /api/videos/{id}/playback}, a
 * signed playback token with the media URLs carrying it (anyone who may watch the video; for public
 * and unlisted videos the URLs work without it).
 */
public final class VodAccessModule implements HttpModule {
  private Redis client;

  @Override
  public Future<Void> mount(Vertx vertx, ReelayConfig config, Router router) {
    client = Redis.createClient(vertx, RedisSettings.options(config));
    RedisAPI redis = RedisAPI.api(client);
    Authenticator auth = new Authenticator(config, redis);
    VideoStore videos = new VideoStore(redis);
    PlaybackAccess access = PlaybackAccess.forConfig(config, videos);
    router
        .patch("/api/videos/:id")
        .handler(BodyHandler.create().setBodyLimit(4096))
        .handler(ctx -> setVisibility(ctx, auth, videos, access));
    router.post("/api/videos/:id/playback").handler(ctx -> playback(ctx, auth, videos, access));
    // Listings filter by visibility through indexes that records stored earlier may lack. In the
    // background: a process must start (and report /health 503) while Redis is down.
    Backoff.untilSuccess(vertx, "indexing stored videos", videos::ensureIndexes);
    return Future.succeededFuture();
  }

  private static void setVisibility(
      RoutingContext ctx, Authenticator auth, VideoStore videos, PlaybackAccess access) {
    String id = ctx.pathParam("id");
    auth.require(ctx, Principal.Role.VIEWER)
        .compose(
            who ->
                watchable(videos, id, who)
                    .compose(
                        video -> {
                          if (!who.isAdmin() && !who.userId().equals(video.owner())) {
                            return Future.failedFuture(
                                new HttpException(
                                    403, "only the owner or an admin may change who sees it"));
                          }
                          Object raw = AccountsHttpModule.jsonBody(ctx).getValue("visibility");
                          return Visibility.parse(raw instanceof String s ? s : null)
                              .map(v -> videos.setVisibility(id, v, Instant.now()))
                              .orElseGet(
                                  () ->
                                      Future.failedFuture(
                                          new HttpException(
                                              400,
                                              "visibility must be \"public\", \"unlisted\""
                                                  + " or \"private\"")));
                        }))
        .compose(
            updated ->
                updated
                    .map(v -> Future.succeededFuture(v))
                    .orElseGet(() -> Future.failedFuture(new HttpException(404, "no such video"))))
        .onSuccess(video -> json(ctx, access.apiJson(video, video.toApiJson())))
        .onFailure(ctx::fail);
  }

  private static void playback(
      RoutingContext ctx, Authenticator auth, VideoStore videos, PlaybackAccess access) {
    String id = ctx.pathParam("id");
    auth.require(ctx, Principal.Role.VIEWER)
        .compose(who -> watchable(videos, id, who))
        .onSuccess(
            video -> {
              PlaybackAccess.Token token = access.issue(video);
              JsonObject media = video.toApiJson();
              JsonObject body =
                  new JsonObject()
                      .put("videoId", id)
                      .put("token", token.value())
                      .put("expiresAt", token.expiresAt())
                      .put("query", token.query());
              for (String field : new String[] {"hls", "dash", "thumbnail", "storyboard"}) {
                String url = media.getString(field);
                body.put(field, url == null ? null : url + "?" + token.query());
              }
              json(ctx, body);
            })
        .onFailure(ctx::fail);
  }

  /** The video if {@code who} may watch it; a private video of someone else is a plain 404. */
  private static Future<Video> watchable(VideoStore videos, String id, Principal who) {
    if (!VodKeys.validId(id)) {
      return Future.failedFuture(new HttpException(404, "no such video"));
    }
    return videos
        .get(id)
        .compose(
            found ->
                found.isPresent() && found.get().watchableBy(who.userId(), who.isAdmin())
                    ? Future.succeededFuture(found.get())
                    : Future.failedFuture(new HttpException(404, "no such video")));
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }

  @Override
  public Future<Void> close() {
    return client == null ? Future.succeededFuture() : client.close();
  }
}
