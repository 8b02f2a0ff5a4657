package io.reelay.upload;

import io.minio.http.Method;
import io.reelay.auth.Authenticator;
import io.reelay.auth.Principal;
import io.reelay.storage.ObjectStore.UploadedPart;
import io.reelay.upload.UploadState.Kind;
import io.reelay.upload.UploadState.StoredPart;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Direct-to-S3 uploads: {@code POST /api/uploads/presign} hands out a presigned PUT URL for the
 * source key, or, above {@code singlePutMax} (S3 takes at most 5 GiB in one PUT), one presigned URL
 * per part of an S3 multipart upload; the browser PUTs the bytes straight to the store; {@code POST
 * /api/uploads/{id}/complete} checks the object (or every part, listed from S3 itself) is there
 * with the declared size, joins the parts and completes the upload like any other.
 */
final class PresignRoutes {
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
        .compose(state -> urls(s, state, validity))
        .onFailure(err -> Replies.fail(ctx, err))
        .onSuccess(
            json ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(json.encode()));
  }

  /** The single PUT URL, or the part URLs (with each part's size) of a multipart upload. */
  private static Future<JsonObject> urls(UploadServices s, UploadState state, Duration validity) {
    JsonObject reply =
        new JsonObject()
            .put("videoId", state.id())
            .put("method", "PUT")
            .put("expiresAt", state.expiresAt().toString());
    if (state.s3UploadId() == null) {
      return s.store
          .presignForClients(Method.PUT, state.sourceKey(), validity)
          .map(url -> reply.put("url", url));
    }
    List<Long> sizes = partSizes(state.length(), s.settings.partSize());
    List<Map<String, String>> queries = new ArrayList<>();
    for (int i = 1; i <= sizes.size(); i++) {
      queries.add(Map.of("uploadId", state.s3UploadId(), "partNumber", String.valueOf(i)));
    }
    return s.store
        .presignForClients(Method.PUT, state.sourceKey(), queries, validity)
        .map(
            urls -> {
              JsonArray parts = new JsonArray();
              for (int i = 0; i < urls.size(); i++) {
                parts.add(
                    new JsonObject()
                        .put("partNumber", i + 1)
                        .put("size", sizes.get(i))
                        .put("url", urls.get(i)));
              }
              return reply.put("partSize", s.settings.partSize()).put("parts", parts);
            });
  }

  /** How a multipart upload of {@code length} bytes is cut: whole parts, then the rest. */
  static List<Long> partSizes(long length, long partSize) {
    List<Long> sizes = new ArrayList<>();
    for (long at = 0; at < length; at += partSize) {
      sizes.add(Math.min(partSize, length - at));
    }
    return sizes;
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
                          (locked.state().s3UploadId() == null
                                  ? verify(s, locked.state()).map(locked.state())
                                  : commitParts(s, locked.state(), locked.lock()))
                              .compose(
                                  state ->
                                      new UploadCompletion(s).complete(state, locked.lock(), null))
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

  /**
   * Lists the parts the client PUT (S3 is the authority, so the client sends no ETags), checks that
   * each one is there with its size, and commits them: from then on every byte is in S3 and the
   * sweeper finishes the completion if this request does not.
   */
  private static Future<UploadState> commitParts(
      UploadServices s, UploadState state, UploadLock lock) {
    List<Long> sizes = partSizes(state.length(), s.settings.partSize());
    return s.store
        .listParts(state.sourceKey(), state.s3UploadId())
        .compose(
            listed -> {
              Map<Integer, UploadedPart> byNumber = new HashMap<>();
              listed.forEach(p -> byNumber.put(p.number(), p));
              List<StoredPart> parts = new ArrayList<>();
              List<Integer> wrong = new ArrayList<>();
              for (int i = 1; i <= sizes.size(); i++) {
                UploadedPart part = byNumber.get(i);
                if (part == null || part.size() != sizes.get(i - 1)) {
                  wrong.add(i);
                } else {
                  parts.add(new StoredPart(i, part.etag(), part.size()));
                }
              }
              if (!wrong.isEmpty()) {
                return Future.failedFuture(
                    new UploadException(
                        409,
                        "parts_missing",
                        "parts " + wrong + " are missing or have the wrong size: PUT them again"));
              }
              UploadState next = state.withProgress(parts, null, 0, state.expiresAt());
              Instant retry = s.clock.instant().plusSeconds(30);
              return s.states.commit(next, lock, retry);
            });
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
