package io.reelay.upload;

import io.minio.http.Method;
import io.reelay.auth.Authenticator;
import io.reelay.auth.Principal;
import io.reelay.http.Gzip;
import io.reelay.video.Video;
import io.reelay.video.VideoStatus;
import io.reelay.vod.PlaybackAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reading video records: {@code GET /api/videos} (newest first, {@code ?offset=&limit=}; public
 * videos and the caller's own, all for an admin; private ones with signed media URLs), {@code GET
 * /api/videos/{id}}, and {@code GET /api/videos/{id}/source}, the stored original streamed from S3
 * (owner or admin, {@code Range} supported). While a video uploads, its bytes received come from
 * the upload state, which moves with every part; the record itself is written only at the start and
 * the end.
 */
final class VideoRoutes {
  private static final int MAX_LIMIT = 100;

  private final Supplier<UploadServices> services;
  private final Supplier<Authenticator> auth;

  VideoRoutes(Supplier<UploadServices> services, Supplier<Authenticator> auth) {
    this.services = services;
    this.auth = auth;
  }

  void mount(Router router) {
    router.get("/api/videos").handler(this::list);
    router.get("/api/videos/:id").handler(this::one);
    router.get("/api/videos/:id/source").handler(this::source);
  }

  private void list(RoutingContext ctx) {
    UploadServices s = services.get();
    int offset;
    int limit;
    try {
      offset = intParam(ctx, "offset", 0, Integer.MAX_VALUE - MAX_LIMIT);
      limit = intParam(ctx, "limit", 20, MAX_LIMIT);
      if (limit == 0) {
        throw UploadException.badRequest("limit must be at least 1");
      }
    } catch (UploadException e) {
      Replies.fail(ctx, e);
      return;
    }
    auth.get()
        .identify(ctx)
        .compose(
            caller ->
                caller.isEmpty()
                    ? s.videos.listPublic(offset, limit)
                    : caller.get().isAdmin()
                        ? s.videos.list(offset, limit)
                        : s.videos.listPublicAndOwn(caller.get().userId(), offset, limit))
        .compose(
            page -> {
              List<Future<JsonObject>> items = new ArrayList<>();
              page.videos().forEach(v -> items.add(withProgress(s, v)));
              return Future.all(items)
                  .map(
                      all -> {
                        JsonArray videos = new JsonArray();
                        items.forEach(f -> videos.add(f.result()));
                        JsonObject json =
                            new JsonObject()
                                .put("videos", videos)
                                .put("total", page.total())
                                .put("offset", offset)
                                .put("limit", limit);
                        if (offset + videos.size() < page.total()) {
                          json.put(
                              "next", "/api/videos?offset=" + (offset + limit) + "&limit=" + limit);
                        }
                        return json;
                      });
            })
        .onFailure(err -> Replies.fail(ctx, err))
        .onSuccess(json -> sendJson(ctx, json));
  }

  private void one(RoutingContext ctx) {
    UploadServices s = services.get();
    String id = ctx.pathParam("id");
    if (!UploadIds.valid(id)) {
      Replies.fail(ctx, new UploadException(404, "not_found", "no such video"));
      return;
    }
    auth.get()
        .identify(ctx)
        .compose(
            caller -> s.videos.get(id).map(v -> v.filter(x -> PlaybackAccess.mayWatch(caller, x))))
        .compose(
            v ->
                v.isPresent()
                    ? withProgress(s, v.get())
                    : Future.failedFuture(new UploadException(404, "not_found", "no such video")))
        .onFailure(err -> Replies.fail(ctx, err))
        .onSuccess(json -> sendJson(ctx, json));
  }

  /** The API form; a private video's media URLs are signed (only its watchers get here). */
  private static Future<JsonObject> withProgress(UploadServices s, Video video) {
    if (video.status() != VideoStatus.UPLOADING) {
      return Future.succeededFuture(s.playback.apiJson(video, video.toApiJson()));
    }
    return s.states
        .get(video.id())
        .map(
            state ->
                state
                    .map(
                        st ->
                            video
                                .withReceived(st.offset(), st.length(), video.updatedAt())
                                .toApiJson())
                    .orElse(video.toApiJson()));
  }

  private void source(RoutingContext ctx) {
    UploadServices s = services.get();
    String id = ctx.pathParam("id");
    auth.get()
        .require(ctx, Principal.Role.VIEWER)
        .compose(
            caller -> {
              if (!UploadIds.valid(id)) {
                return Future.failedFuture(new UploadException(404, "not_found", "no such video"));
              }
              return s.videos
                  .get(id)
                  .compose(
                      v -> {
                        if (v.isEmpty()) {
                          return Future.failedFuture(
                              new UploadException(404, "not_found", "no such video"));
                        }
                        Video video = v.get();
                        if (!caller.isAdmin() && !caller.userId().equals(video.owner())) {
                          return Future.failedFuture(
                              new UploadException(
                                  403, "forbidden", "only the owner may fetch the source"));
                        }
                        if (video.status() == VideoStatus.UPLOADING) {
                          return Future.failedFuture(
                              new UploadException(409, "conflict", "the source is not complete"));
                        }
                        if (video.status() == VideoStatus.FAILED
                            && (video.size() < 0 || video.bytesReceived() < video.size())) {
                          return Future.failedFuture(
                              new UploadException(410, "gone", "the upload never completed"));
                        }
                        return s.store.presign(
                            Method.GET, video.sourceKey(), java.util.Map.of(), Duration.ofHours(1));
                      });
            })
        .onFailure(err -> Replies.fail(ctx, err))
        .onSuccess(
            url -> {
              ctx.response()
                  .putHeader("Content-Type", "application/octet-stream")
                  .putHeader("Cache-Control", "private, no-store");
              s.transfer
                  .pipeTo(url, ctx.request().getHeader("Range"), ctx.response())
                  .onFailure(err -> Replies.fail(ctx, err));
            });
  }

  private static int intParam(RoutingContext ctx, String name, int fallback, int max) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    if (!raw.matches("\\d{1,10}")) {
      throw UploadException.badRequest(name + " must be a non-negative integer");
    }
    long value = Long.parseLong(raw);
    if (value > max) {
      throw UploadException.badRequest(name + " must be at most " + max);
    }
    return (int) value;
  }

  private static void sendJson(RoutingContext ctx, JsonObject json) {
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store");
    Gzip.end(ctx, json.encode()); // a library listing runs to many KB
  }
}
