package io.reelay.upload;

import io.reelay.upload.UploadState.Kind;
import io.vertx.core.Future;

/** Drops an unfinished upload: its S3 multipart upload, temporary objects and state. */
final class UploadDiscard {
  private UploadDiscard() {}

  static Future<Void> discard(UploadServices services, UploadState state, UploadLock lock) {
    Future<Void> bytes =
        state.kind() == Kind.PRESIGN
            // The client may have PUT (part of) the object already.
            ? services.store.delete(state.sourceKey())
            : services.store.abortMultipart(state.sourceKey(), state.s3UploadId());
    return bytes
        .compose(v -> services.store.deletePrefix(UploadState.tempPrefix(state.id())))
        .compose(n -> services.states.remove(state, lock));
  }
}
