package io.reelay.vod;

import io.reelay.auth.Authenticator;
import io.reelay.auth.Principal;
import io.reelay.config.ReelayConfig;
import io.reelay.http.HttpModule;
import io.reelay.platform.RedisSettings;
import io.reelay.storage.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;

/**
 * {@code DELETE /api/videos/{id}} (owner or admin): removes the video's renditions, manifests and
 * thumbnails ({@code vod/{id}/}), its source object, the transcode bookkeeping and the record. The
 * record goes last, so a failure half way leaves a video that can be deleted again. Jobs still
 * queued for it find no plan and are skipped.
 */
public final class VodDeleteModule implements HttpModule {
  private Redis client;

  @Override
  public Future<Void> mount(Vertx vertx, ReelayConfig config, Router router) {
    client = RedisSettings.client(vertx, config);
    RedisAPI redis = RedisAPI.api(client);
    Authenticator auth = new Authenticator(config, redis);
    VideoUpdates videos = new VideoUpdates(redis);
    VodState state = new VodState(redis);
    return vertx
        .executeBlocking(() -> new ObjectStore(vertx, config))
        .map(
            store -> {
              VodObjects objects = new VodObjects(store.client(), store.bucket());
              router
                  .delete("/api/videos/:id")
                  .handler(ctx -> delete(vertx, ctx, auth, videos, state, objects));
              return null;
            });
  }

  private void delete(
      Vertx vertx,
      RoutingContext ctx,
      Authenticator auth,
      VideoUpdates videos,
      VodState state,
      VodObjects objects) {
    String id = ctx.pathParam("id");
    if (!VodKeys.validId(id)) {
      ctx.fail(new HttpException(404, "no such video"));
      return;
    }
    auth.require(ctx, Principal.Role.VIEWER)
        .compose(
            who ->
                videos
                    .get(id)
                    .compose(
                        video -> {
                          if (video == null) {
                            return Future.failedFuture(new HttpException(404, "no such video"));
                          }
                          if (!who.isAdmin() && !who.userId().equals(video.getString("owner"))) {
                            return Future.failedFuture(
                                new HttpException(403, "only the owner or an admin may delete it"));
                          }
                          String source = video.getString("sourceKey");
                          return vertx
                              .executeBlocking(
                                  () -> {
                                    objects.deletePrefix(VodKeys.prefix(id));
                                    if (source != null) {
                                      objects.deletePrefix(source);
                                    }
                                    return null;
                                  },
                                  false)
                              .compose(v -> state.delete(id))
                              .compose(v -> videos.delete(id));
                        }))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  @Override
  public Future<Void> close() {
    return client == null ? Future.succeededFuture() : client.close();
  }
}
