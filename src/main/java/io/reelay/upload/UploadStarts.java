package io.reelay.upload;

import io.reelay.auth.Principal;
import io.reelay.upload.UploadState.Kind;
import io.reelay.video.Video;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;

/** Starts an upload of any kind: id, S3 multipart upload, state (with the limit), video record. */
final class UploadStarts {
  private UploadStarts() {}

  static Future<UploadState> start(
      UploadServices s, Principal caller, Kind kind, long length, String title, String metadata) {
    return start(s, caller, kind, length, title, metadata, s.settings.expiry());
  }

  static Future<UploadState> start(
      UploadServices s,
      Principal caller,
      Kind kind,
      long length,
      String title,
      String metadata,
      Duration validity) {
    String id = UploadIds.next();
    String key = UploadState.sourceKey(id);
    Instant now = s.clock.instant();
    // A presigned upload the client PUTs in one piece needs no multipart upload.
    boolean singlePut = kind == Kind.PRESIGN && length <= s.settings.singlePutMax();
    Future<String> multipart =
        singlePut ? Future.succeededFuture(null) : s.store.createMultipart(key);
    return multipart.compose(
        uploadId -> {
          UploadState state =
              UploadState.start(
                  id, caller.userId(), kind, length, uploadId, metadata, now, now.plus(validity));
          // The operator is not limited; users are, so one user cannot fill the store.
          int limit = caller.isAdmin() ? 0 : s.settings.maxConcurrent();
          return s.states
              .create(state, limit)
              .compose(
                  created -> {
                    if (!created) {
                      Future<Void> undo =
                          uploadId == null
                              ? Future.succeededFuture()
                              : s.store.abortMultipart(key, uploadId);
                      return undo.transform(
                          v ->
                              Future.failedFuture(
                                  new UploadException(
                                      429,
                                      "too_many_uploads",
                                      "at most "
                                          + limit
                                          + " unfinished uploads per user: finish or delete one")));
                    }
                    return s.videos
                        .put(Video.uploading(id, title, caller.userId(), length, key, now))
                        .map(state);
                  });
        });
  }
}
