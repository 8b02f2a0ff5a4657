package io.reelay.upload;

import io.reelay.auth.Authenticator;
import io.reelay.auth.Principal;
import io.reelay.upload.PartWriter.Outcome;
import io.reelay.upload.UploadState.Kind;
import io.reelay.video.Video;
import io.reelay.video.VideoStatus;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * tus 1.0.0 at {@code /files/}: core (HEAD, PATCH, OPTIONS), creation, creation-with-upload,
 * creation-defer-length, expiration, checksum (sha1, sha256, md5) and termination. The upload id in
 * {@code Location} is the video id.
 */
final class TusRoutes {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TusRoutes.class);
  static final String VERSION = "1.0.0";
  static final String EXTENSIONS =
      "creation,creation-with-upload,creation-defer-length,expiration,checksum,termination";
  static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";

  private final Supplier<UploadServices> services;
  private final Supplier<Authenticator> auth;

  TusRoutes(Supplier<UploadServices> services, Supplier<Authenticator> auth) {
    this.services = services;
    this.auth = auth;
  }

  void mount(Router router) {
    router.routeWithRegex("/files(/.*)?").handler(this::common);
    router.routeWithRegex(HttpMethod.OPTIONS, "/files(/.*)?").handler(this::options);
    router.routeWithRegex(HttpMethod.POST, "/files/?").handler(this::create);
    router.head("/files/:id").handler(this::head);
    router.patch("/files/:id").handler(this::patch);
    router.delete("/files/:id").handler(this::terminate);
    router.post("/files/:id").handler(this::methodOverride);
  }

  /** Version check and the {@code Tus-Resumable} header on every response but OPTIONS. */
  private void common(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (req.method() == HttpMethod.POST || req.method() == HttpMethod.PATCH) {
      // Nothing of the body may be lost while the request is checked asynchronously. (A paused
      // request also holds back its keep-alive connection, so every reply path resumes or drains.)
      req.pause();
    }
    if (req.method() == HttpMethod.OPTIONS) {
      ctx.next();
      return;
    }
    ctx.addHeadersEndHandler(v -> ctx.response().putHeader("Tus-Resumable", VERSION));
    if (!VERSION.equals(req.getHeader("Tus-Resumable"))) {
      ctx.response().putHeader("Tus-Version", VERSION);
      Replies.fail(
          ctx,
          new UploadException(
              412, "precondition_failed", "Tus-Resumable: " + VERSION + " is required"));
      return;
    }
    if (services.get() == null) {
      Replies.fail(ctx, new UploadException(503, "unavailable", "uploads are starting"));
      return;
    }
    ctx.next();
  }

  private void options(RoutingContext ctx) {
    ctx.response()
        .setStatusCode(204)
        .putHeader("Tus-Version", VERSION)
        .putHeader("Tus-Extension", EXTENSIONS)
        .putHeader("Tus-Max-Size", String.valueOf(services.get().settings.maxSize()))
        .putHeader("Tus-Checksum-Algorithm", UploadChecksum.ADVERTISED)
        .end();
  }

  private void methodOverride(RoutingContext ctx) {
    String override = ctx.request().getHeader("X-HTTP-Method-Override");
    if ("PATCH".equalsIgnoreCase(override)) {
      patch(ctx);
    } else if ("DELETE".equalsIgnoreCase(override)) {
      Replies.drain(ctx.request());
      terminate(ctx);
    } else if ("HEAD".equalsIgnoreCase(override)) {
      Replies.drain(ctx.request());
      head(ctx);
    } else {
      Replies.fail(ctx, new UploadException(405, "method_not_allowed", "use PATCH"));
    }
  }

  // ---- creation ----

  private void create(RoutingContext ctx) {
    UploadServices s = services.get();
    HttpServerRequest req = ctx.request();
    long length;
    Map<String, String> metadata;
    boolean hasBody;
    UploadChecksum checksum;
    try {
      String lengthHeader = req.getHeader("Upload-Length");
      String defer = req.getHeader("Upload-Defer-Length");
      if (lengthHeader != null && defer != null) {
        throw UploadException.badRequest("send Upload-Length or Upload-Defer-Length, not both");
      }
      if (lengthHeader == null && defer == null) {
        throw UploadException.badRequest("Upload-Length or Upload-Defer-Length: 1 is required");
      }
      if (defer != null && !"1".equals(defer.trim())) {
        throw UploadException.badRequest("Upload-Defer-Length must be 1");
      }
      length = lengthHeader == null ? -1 : Replies.parseLength("Upload-Length", lengthHeader);
      if (length > s.settings.maxSize()) {
        throw tooLarge(s);
      }
      metadata = TusMetadata.parse(req.getHeader("Upload-Metadata"));
      long contentLength = contentLength(req);
      hasBody =
          contentLength > 0 || (contentLength < 0 && req.headers().contains("Transfer-Encoding"));
      checksum = hasBody ? checkPatchHeaders(req) : null;
      if (hasBody && length >= 0 && contentLength > length) {
        throw new UploadException(
            413, "payload_too_large", "the body is longer than Upload-Length");
      }
    } catch (UploadException e) {
      Replies.fail(ctx, e);
      return;
    }
    String rawMetadata = req.getHeader("Upload-Metadata");
    auth.get()
        .require(ctx, Principal.Role.CREATOR)
        .compose(
            caller ->
                UploadStarts.start(
                    s, caller, Kind.TUS, length, TusMetadata.title(metadata), rawMetadata))
        .onFailure(err -> Replies.fail(ctx, err))
        .onSuccess(
            state -> {
              HttpServerResponse resp = ctx.response();
              resp.putHeader("Location", location(req, state.id()))
                  .putHeader("Upload-Expires", Replies.httpDate(state.expiresAt()));
              if (!hasBody) {
                Replies.drain(req);
                resp.setStatusCode(201).end();
                return;
              }
              write(ctx, s, state, checksum, 201);
            });
  }

  private static String location(HttpServerRequest req, String id) {
    String path = "/files/" + id;
    return req.authority() == null ? path : req.scheme() + "://" + req.authority() + path;
  }

  // ---- core ----

  private void head(RoutingContext ctx) {
    UploadServices s = services.get();
    String id = ctx.pathParam("id");
    auth.get()
        .require(ctx, Principal.Role.CREATOR)
        .compose(caller -> find(s, id, caller))
        .onFailure(err -> Replies.fail(ctx, err))
        .onSuccess(
            found -> {
              HttpServerResponse resp =
                  ctx.response().setStatusCode(200).putHeader("Cache-Control", "no-store");
              if (found.state().isPresent()) {
                UploadState state = found.state().get();
                resp.putHeader("Upload-Offset", String.valueOf(state.offset()))
                    .putHeader("Upload-Expires", Replies.httpDate(state.expiresAt()));
                if (state.lengthKnown()) {
                  resp.putHeader("Upload-Length", String.valueOf(state.length()));
                } else {
                  resp.putHeader("Upload-Defer-Length", "1");
                }
                if (state.metadata() != null && !state.metadata().isBlank()) {
                  resp.putHeader("Upload-Metadata", state.metadata());
                }
              } else {
                long size = found.video().size();
                resp.putHeader("Upload-Offset", String.valueOf(size))
                    .putHeader("Upload-Length", String.valueOf(size));
              }
              resp.end();
            });
  }

  private void patch(RoutingContext ctx) {
    UploadServices s = services.get();
    HttpServerRequest req = ctx.request();
    req.pause();
    String id = ctx.pathParam("id");
    long offset;
    long newLength;
    long contentLength;
    UploadChecksum checksum;
    try {
      checksum = checkPatchHeaders(req);
      offset = Replies.parseLength("Upload-Offset", req.getHeader("Upload-Offset"));
      String lengthHeader = req.getHeader("Upload-Length");
      newLength = lengthHeader == null ? -1 : Replies.parseLength("Upload-Length", lengthHeader);
      if (newLength > s.settings.maxSize()) {
        throw tooLarge(s);
      }
      contentLength = contentLength(req);
    } catch (UploadException e) {
      Replies.fail(ctx, e);
      return;
    }
    auth.get()
        .require(ctx, Principal.Role.CREATOR)
        .compose(caller -> find(s, id, caller))
        .compose(
            found -> {
              if (found.state().isEmpty()) {
                // Already complete: nothing more to write.
                long size = found.video().size();
                if (offset == size && contentLength <= 0) {
                  ctx.response()
                      .setStatusCode(204)
                      .putHeader("Upload-Offset", String.valueOf(size));
                  Replies.drain(req);
                  ctx.response().end();
                  return Future.succeededFuture();
                }
                return Future.failedFuture(offsetMismatch(size));
              }
              if (found.state().get().kind() != Kind.TUS) {
                // A presigned upload's bytes go to S3 directly; a plain POST is not resumable.
                return Future.failedFuture(
                    new UploadException(409, "conflict", "this is not a tus upload"));
              }
              if (found.state().get().offset() != offset) {
                return Future.failedFuture(offsetMismatch(found.state().get().offset()));
              }
              return lockAndCheck(s, id, offset)
                  .compose(
                      locked -> {
                        UploadState state = locked.state;
                        Future<UploadState> ready = Future.succeededFuture(state);
                        if (newLength >= 0) {
                          if (state.lengthKnown() && state.length() != newLength) {
                            ready =
                                Future.failedFuture(
                                    UploadException.badRequest("Upload-Length cannot change"));
                          } else if (!state.lengthKnown()) {
                            if (newLength < state.offset()) {
                              ready =
                                  Future.failedFuture(
                                      UploadException.badRequest(
                                          "Upload-Length is below the offset"));
                            } else {
                              UploadState withLength = state.withLength(newLength);
                              ready =
                                  s.states.commit(withLength, locked.lock, withLength.expiresAt());
                            }
                          }
                        }
                        return ready
                            .compose(
                                st -> {
                                  if (st.lengthKnown()
                                      && contentLength > 0
                                      && st.offset() + contentLength > st.length()) {
                                    return Future.failedFuture(
                                        new UploadException(
                                            413,
                                            "payload_too_large",
                                            "the body goes past Upload-Length"));
                                  }
                                  write(ctx, s, st, checksum, 204, locked.lock);
                                  return Future.<Void>succeededFuture();
                                })
                            .onFailure(err -> locked.lock.release());
                      });
            })
        .onFailure(err -> Replies.fail(ctx, err));
  }

  /** Writes the body of a creation-with-upload or PATCH; takes the upload's lock first. */
  private void write(
      RoutingContext ctx,
      UploadServices s,
      UploadState state,
      UploadChecksum checksum,
      int okStatus) {
    UploadLock.acquire(s.vertx, s.redis, state.id())
        .compose(
            lock ->
                lock.isPresent()
                    ? Future.succeededFuture(lock.get())
                    : Future.failedFuture(locked()))
        .onFailure(err -> Replies.fail(ctx, err))
        .onSuccess(lock -> write(ctx, s, state, checksum, okStatus, lock));
  }

  private void write(
      RoutingContext ctx,
      UploadServices s,
      UploadState state,
      UploadChecksum checksum,
      int okStatus,
      UploadLock lock) {
    Replies.continueIfExpected(ctx);
    new PartWriter(s, lock, state, ctx.request(), checksum, false, contentLength(ctx.request()))
        .run()
        .compose(
            result ->
                result.outcome() == Outcome.COMPLETE
                    ? new UploadCompletion(s)
                        .complete(result.state(), lock, null)
                        .map(video -> result)
                        .otherwise(
                            err -> {
                              // Every byte is committed, so the client is done; the sweeper
                              // retries the join, the record and the event.
                              LOG.warn(
                                  "upload {}: completion deferred to the sweeper: {}",
                                  state.id(),
                                  err.toString());
                              return result;
                            })
                    : Future.succeededFuture(result))
        .eventually(lock::release)
        .onFailure(err -> Replies.fail(ctx, err))
        .onSuccess(result -> reply(ctx, result, okStatus));
  }

  private static void reply(RoutingContext ctx, PartWriter.Result result, int okStatus) {
    HttpServerResponse resp = ctx.response();
    UploadState state = result.state();
    switch (result.outcome()) {
      case STORED, COMPLETE ->
          resp.setStatusCode(okStatus)
              .putHeader("Upload-Offset", String.valueOf(state.offset()))
              .putHeader("Upload-Expires", Replies.httpDate(state.expiresAt()))
              .end();
      case CHECKSUM_MISMATCH ->
          Replies.fail(
              ctx, new UploadException(460, "checksum_mismatch", "Upload-Checksum does not match"));
      case TOO_LARGE -> {
        resp.putHeader("Connection", "close");
        Replies.fail(
            ctx,
            new UploadException(
                413, "payload_too_large", "the body goes past the upload's length"));
      }
      default -> {
        // Client gone, stalled or taken over: there is nobody to answer or no point.
        if (!resp.ended() && !resp.closed()) {
          resp.reset();
        }
      }
    }
  }

  private void terminate(RoutingContext ctx) {
    UploadServices s = services.get();
    String id = ctx.pathParam("id");
    auth.get()
        .require(ctx, Principal.Role.CREATOR)
        .compose(caller -> find(s, id, caller, true))
        .compose(
            found -> {
              if (found.state().isEmpty()) {
                return Future.failedFuture(
                    new UploadException(409, "conflict", "the upload is already complete"));
              }
              return lockAndCheck(s, id, -1)
                  .compose(
                      locked ->
                          UploadDiscard.discard(s, locked.state, locked.lock)
                              .compose(v -> s.videos.delete(id))
                              .eventually(locked.lock::release));
            })
        .onFailure(err -> Replies.fail(ctx, err))
        .onSuccess(v -> ctx.response().setStatusCode(204).end());
  }

  // ---- shared ----

  /** An upload in progress (state), or a finished one (video record only). */
  record Found(Optional<UploadState> state, Video video) {}

  /** The caller's upload {@code id}: 404 unknown, 403 someone else's, 410 expired. */
  static Future<Found> find(UploadServices s, String id, Principal caller) {
    return find(s, id, caller, false);
  }

  /**
   * As {@link #find(UploadServices, String, Principal)}; {@code orExpired} lets DELETE clean up.
   */
  static Future<Found> find(UploadServices s, String id, Principal caller, boolean orExpired) {
    if (!UploadIds.valid(id)) {
      return Future.failedFuture(UploadException.notFound());
    }
    return s.states
        .get(id)
        .compose(
            state -> {
              if (state.isPresent()) {
                UploadState st = state.get();
                if (!caller.isAdmin() && !caller.userId().equals(st.owner())) {
                  return Future.failedFuture(forbidden());
                }
                if (!orExpired && st.expired(s.clock.instant())) {
                  return Future.failedFuture(gone());
                }
                return Future.succeededFuture(new Found(state, null));
              }
              return s.videos
                  .get(id)
                  .compose(
                      video -> {
                        if (video.isEmpty()) {
                          return Future.failedFuture(UploadException.notFound());
                        }
                        Video v = video.get();
                        if (!caller.isAdmin() && !caller.userId().equals(v.owner())) {
                          return Future.failedFuture(forbidden());
                        }
                        if (v.status() == VideoStatus.FAILED
                            || v.status() == VideoStatus.UPLOADING) {
                          return Future.failedFuture(gone());
                        }
                        return Future.succeededFuture(new Found(Optional.empty(), v));
                      });
            });
  }

  record Locked(UploadState state, UploadLock lock) {}

  /** Takes the lock (423 if another writer has it) and re-reads the state under it. */
  static Future<Locked> lockAndCheck(UploadServices s, String id, long expectedOffset) {
    return UploadLock.acquire(s.vertx, s.redis, id)
        .compose(
            lock -> {
              if (lock.isEmpty()) {
                return Future.failedFuture(locked());
              }
              return s.states
                  .get(id)
                  .compose(
                      state -> {
                        if (state.isEmpty()) {
                          return Future.failedFuture(UploadException.notFound());
                        }
                        if (expectedOffset >= 0 && state.get().offset() != expectedOffset) {
                          return Future.failedFuture(offsetMismatch(state.get().offset()));
                        }
                        return Future.succeededFuture(new Locked(state.get(), lock.get()));
                      })
                  .onFailure(err -> lock.get().release());
            });
  }

  /** The PATCH headers: content type (415) and an optional checksum. */
  static UploadChecksum checkPatchHeaders(HttpServerRequest req) {
    String type = req.getHeader("Content-Type");
    String bare = type == null ? "" : type.split(";")[0].trim();
    if (!OFFSET_OCTET_STREAM.equalsIgnoreCase(bare)) {
      throw new UploadException(
          415, "unsupported_media_type", "the body must be " + OFFSET_OCTET_STREAM);
    }
    return UploadChecksum.parse(req.getHeader("Upload-Checksum"));
  }

  /** The declared body length, or -1 when none is declared. */
  static long contentLength(HttpServerRequest req) {
    String value = req.getHeader("Content-Length");
    return value == null ? -1 : Replies.parseLength("Content-Length", value.trim());
  }

  static UploadException tooLarge(UploadServices s) {
    return new UploadException(
        413, "payload_too_large", "uploads are limited to " + s.settings.maxSize() + " bytes");
  }

  static UploadException offsetMismatch(long actual) {
    return new UploadException(409, "offset_mismatch", "the upload is at offset " + actual);
  }

  static UploadException locked() {
    return new UploadException(423, "locked", "another request is writing to this upload");
  }

  static UploadException forbidden() {
    return new UploadException(403, "forbidden", "this upload belongs to someone else");
  }

  static UploadException gone() {
    return new UploadException(410, "gone", "this upload expired");
  }

  static Instant now(UploadServices s) {
    return s.clock.instant();
  }
}
