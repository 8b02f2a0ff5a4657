package io.reelay.upload;

import io.vertx.core.Future;

/** Drops an unfinished upload: its S3 multipart upload, temporary objects and state. */
final class UploadDiscard {
  private UploadDiscard() {}

  static Future<Void> discard(UploadServices services, UploadState state, UploadLock lock) {
    Future<Void> bytes =
        state.s3UploadId() == null
            // A single-PUT presigned upload: the client may have PUT the object already.
            ? services.store.delete(state.sourceKey())
            : services.store.abortMultipart(state.sourceKey(), state.s3UploadId());
    return bytes
        .compose(v -> services.store.deletePrefix(UploadState.tempPrefix(state.id())))
        .compose(n -> services.states.remove(state, lock));
  }
}
