package io.reelay.upload;

import io.reelay.auth.Authenticator;
import io.reelay.auth.Principal;
import io.reelay.upload.PartWriter.Outcome;
import io.reelay.upload.UploadState.Kind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * {@code POST /api/videos}: a multipart form with the field {@code file} (and optionally {@code
 * title}), for {@code curl -F file=@video.mp4}. The file streams to S3 like a tus upload, through
 * the same {@link PartWriter}; it is not resumable, so a broken request is discarded.
 */
final class PlainUploadRoute {
  private final Supplier<UploadServices> services;
  private final Supplier<Authenticator> auth;

  PlainUploadRoute(Supplier<UploadServices> services, Supplier<Authenticator> auth) {
    this.services = services;
    this.auth = auth;
  }

  void mount(Router router) {
    router.post("/api/videos").handler(this::upload);
  }

  private void upload(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    req.pause();
    UploadServices s = services.get();
    String type = req.getHeader("Content-Type");
    if (type == null || !type.toLowerCase().startsWith("multipart/form-data")) {
      Replies.fail(
          ctx,
          new UploadException(
              415,
              "unsupported_media_type",
              "send a multipart/form-data form with a 'file' field"));
      return;
    }
    auth.get()
        .require(ctx, Principal.Role.CREATOR)
        .onFailure(err -> Replies.fail(ctx, err))
        .onSuccess(caller -> receive(ctx, s, caller));
  }

  private void receive(RoutingContext ctx, UploadServices s, Principal caller) {
    HttpServerRequest req = ctx.request();
    Promise<Void> ended = Promise.promise();
    Promise<Written> written = Promise.promise();
    PartWriter[] writer = {null};
    // Set when the file field starts, not when its writer is ready (that is asynchronous): a
    // small form can end before the writer exists.
    boolean[] sawFile = {false};
    req.setExpectMultipart(true);
    req.uploadHandler(
        upload -> {
          if (!"file".equals(upload.name()) || sawFile[0] || written.future().isComplete()) {
            upload.handler(b -> {});
            return;
          }
          sawFile[0] = true;
          upload.pause();
          start(s, caller, upload, writer).onComplete(written);
        });
    req.exceptionHandler(
        err -> {
          if (writer[0] != null) {
            writer[0].stop(Outcome.INTERRUPTED);
          }
          ended.tryFail(err);
        });
    req.endHandler(v -> ended.tryComplete());
    Replies.continueIfExpected(ctx);
    req.resume();
    ended
        .future()
        .onComplete(
            v -> {
              if (!sawFile[0]) {
                written.tryFail(UploadException.badRequest("the form has no 'file' field"));
              }
            });
    written
        .future()
        // The title may follow the file in the form: complete once the whole form is read.
        .compose(
            w ->
                w.result().outcome() == Outcome.COMPLETE
                    ? ended.future().map(w)
                    : Future.succeededFuture(w))
        .compose(w -> finish(s, ctx, w))
        .onSuccess(
            video ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Location", "/api/videos/" + video.getString("id"))
                    .putHeader("Content-Type", "application/json")
                    .end(video.encode()))
        .onFailure(
            err -> {
              if (written.future().succeeded()
                  && written.future().result().result().outcome() == Outcome.TOO_LARGE) {
                ctx.response().putHeader("Connection", "close");
                Replies.fail(ctx, TusRoutes.tooLarge(s));
              } else if (!req.isEnded() && !(err instanceof UploadException)) {
                // The client went away mid-body: nobody to answer.
                ctx.response().reset();
              } else {
                Replies.fail(ctx, err);
              }
            });
  }

  record Written(UploadState start, UploadLock lock, PartWriter.Result result) {}

  private static Future<Written> start(
      UploadServices s, Principal caller, HttpServerFileUpload upload, PartWriter[] writer) {
    String filename = upload.filename() == null ? "" : upload.filename();
    return UploadStarts.start(s, caller, Kind.POST, -1, TusMetadata.clean(filename), null)
        .compose(
            state ->
                UploadLock.acquire(s.vertx, s.redis, state.id())
                    .compose(
                        lock -> {
                          writer[0] =
                              new PartWriter(s, lock.orElseThrow(), state, upload, null, true, -1);
                          return writer[0]
                              .run()
                              .map(result -> new Written(state, lock.get(), result))
                              .recover(
                                  err ->
                                      discard(s, state, lock.get())
                                          .transform(v -> Future.failedFuture(err)));
                        }));
  }

  private static Future<io.vertx.core.json.JsonObject> finish(
      UploadServices s, RoutingContext ctx, Written w) {
    if (w.result().outcome() != Outcome.COMPLETE) {
      // Not resumable: what arrived of a broken form is dropped.
      return discard(s, w.start(), w.lock())
          .transform(
              v ->
                  Future.failedFuture(
                      w.result().outcome() == Outcome.TOO_LARGE
                          ? TusRoutes.tooLarge(s)
                          : new IllegalStateException("upload " + w.result().outcome())));
    }
    String title = ctx.request().formAttributes().get("title");
    return new UploadCompletion(s)
        .complete(w.result().state(), w.lock(), title)
        .eventually(w.lock()::release)
        .map(video -> video.toApiJson());
  }

  private static Future<Void> discard(UploadServices s, UploadState state, UploadLock lock) {
    return s.states
        .get(state.id())
        .compose(
            current ->
                UploadDiscard.discard(s, current.orElse(state), lock)
                    .compose(v -> s.videos.delete(state.id())))
        .eventually(lock::release);
  }
}
