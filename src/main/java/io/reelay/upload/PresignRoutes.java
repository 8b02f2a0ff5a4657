package io.reelay.upload;

import io.minio.http.Method;
import io.reelay.auth.Authenticator;
import io.reelay.auth.Principal;
import io.reelay.upload.UploadState.Kind;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Direct-to-S3 uploads: {@code POST /api/uploads/presign} hands out a presigned PUT URL for the
 * source key; the browser PUTs the file straight to the store; {@code POST
 * /api/uploads/{id}/complete} checks the object is there with the declared size and completes the
 * upload like any other.
 */
final class PresignRoutes {
  /** S3 accepts at most 5 GiB in one PUT; larger files go through tus. */
  static final long MAX_SINGLE_PUT = 5L << 30;

  private static final Duration MAX_URL_VALIDITY = Duration.ofDays(7);

  private final Supplier<UploadServices> services;
  private final Supplier<Authenticator> auth;

  PresignRoutes(Supplier<UploadServices> services, Supplier<Authenticator> auth) {
    this.services = services;
    this.auth = auth;
  }

  void mount(Router router) {
    // A small JSON body: buffering it (bounded) is fine.
    router
        .post("/api/uploads/presign")
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(this::presign);
    router.post("/api/uploads/:id/complete").handler(this::complete);
  }

  private void presign(RoutingContext ctx) {
    UploadServices s = services.get();
    long size;
    String title;
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw UploadException.badRequest("send {\"filename\", \"size\", \"title\"} as JSON");
      }
      Object rawSize = body.getValue("size");
      if (!(rawSize instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0) {
        throw UploadException.badRequest("size must be a non-negative whole number of bytes");
      }
      size = n.longValue();
      if (size > s.settings.maxSize()) {
        throw TusRoutes.tooLarge(s);
      }
      if (size > MAX_SINGLE_PUT) {
        throw new UploadException(
            413, "payload_too_large", "presigned uploads are limited to 5 GiB: use tus at /files/");
      }
      title = TusMetadata.clean(stringField(body, "title", stringField(body, "filename", "")));
    } catch (DecodeException | ClassCastException e) {
      Replies.fail(ctx, UploadException.badRequest("the body is not the expected JSON object"));
      return;
    } catch (UploadException e) {
      Replies.fail(ctx, e);
      return;
    }
    Duration validity =
        s.settings.expiry().compareTo(MAX_URL_VALIDITY) > 0
            ? MAX_URL_VALIDITY
            : s.settings.expiry();
    auth.get()
        .require(ctx, Principal.Role.CREATOR)
        .compose(caller -> UploadStarts.start(s, caller, Kind.PRESIGN, size, title, null, validity))
        .compose(
            state ->
                s.store
                    .presignForClients(Method.PUT, state.sourceKey(), validity)
                    .map(
                        url ->
                            new JsonObject()
                                .put("videoId", state.id())
                                .put("url", url)
                                .put("method", "PUT")
                                .put("expiresAt", state.expiresAt().toString())))
        .onFailure(err -> Replies.fail(ctx, err))
        .onSuccess(
            json ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(json.encode()));
  }

  private static String stringField(JsonObject body, String name, String fallback) {
    Object value = body.getValue(name);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String str) || str.length() > 1024) {
      throw UploadException.badRequest(name + " must be a string of at most 1024 characters");
    }
    return str;
  }

  private void complete(RoutingContext ctx) {
    UploadServices s = services.get();
    String id = ctx.pathParam("id");
    auth.get()
        .require(ctx, Principal.Role.CREATOR)
        .compose(caller -> TusRoutes.find(s, id, caller))
        .compose(
            found -> {
              if (found.state().isEmpty()) {
                // Completed before: answering again is harmless.
                return Future.succeededFuture(found.video().toApiJson());
              }
              if (found.state().get().kind() != Kind.PRESIGN) {
                return Future.failedFuture(
                    new UploadException(409, "conflict", "this is not a presigned upload"));
              }
              return TusRoutes.lockAndCheck(s, id, -1)
                  .compose(
                      locked ->
                          verify(s, locked.state())
                              .compose(
                                  v ->
                                      new UploadCompletion(s)
                                          .complete(locked.state(), locked.lock(), null))
                              .map(video -> video.toApiJson())
                              .eventually(locked.lock()::release));
            })
        .onFailure(err -> Replies.fail(ctx, err))
        .onSuccess(
            json ->
                ctx.response()
                    .setStatusCode(200)
                    .putHeader("Content-Type", "application/json")
                    .end(json.encode()));
  }

  private static Future<Void> verify(UploadServices s, UploadState state) {
    return s.store
        .size(state.sourceKey())
        .compose(
            size -> {
              if (size.isEmpty()) {
                return Future.failedFuture(
                    new UploadException(
                        409, "not_uploaded", "nothing was uploaded to the presigned URL yet"));
              }
              if (size.get() != state.length()) {
                return Future.failedFuture(
                    new UploadException(
                        409,
                        "size_mismatch",
                        "the stored object has "
                            + size.get()
                            + " bytes, "
                            + state.length()
                            + " were declared: PUT the file again"));
              }
              return Future.succeededFuture();
            });
  }
}
