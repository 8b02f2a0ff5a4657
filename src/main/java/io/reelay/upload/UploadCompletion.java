package io.reelay.upload;

import io.reelay.storage.ObjectStore;
import io.reelay.upload.UploadState.Kind;
import io.reelay.video.Video;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens once every byte of an upload is in S3: the parts are joined into the source object,
 * the video record becomes {@code processing}, {@code video.uploaded} is produced, and the upload
 * state and temporary objects go. Each step is safe to repeat, so the sweeper can finish the job
 * after a crash at any point (joining twice finds the object already there; the event may then be
 * produced twice, which consumers tolerate).
 */
final class UploadCompletion {
  private static final Logger LOG = LoggerFactory.getLogger(UploadCompletion.class);

  private final UploadServices services;

  UploadCompletion(UploadServices services) {
    this.services = services;
  }

  /**
   * @param title a title decided at the end (plain POST form field), or null to keep the record's
   */
  Future<Video> complete(UploadState state, UploadLock lock, String title) {
    long started = System.nanoTime();
    long[] joinMs = {0};
    return join(state)
        .compose(
            v -> {
              joinMs[0] = (System.nanoTime() - started) / 1_000_000;
              return services.videos.get(state.id());
            })
        .compose(
            found -> {
              Instant now = services.clock.instant();
              Video video =
                  found.orElseGet(
                      () ->
                          Video.uploading(
                              state.id(),
                              "",
                              state.owner(),
                              state.length(),
                              state.sourceKey(),
                              state.createdAt()));
              if (title != null && !title.isBlank()) {
                video = video.withTitle(TusMetadata.clean(title), now);
              }
              return services.videos.put(video.processing(state.length(), now));
            })
        .compose(video -> services.events.publishUploaded(video).map(video))
        .compose(
            video ->
                services
                    .states
                    .remove(state, lock)
                    .compose(v -> services.store.deletePrefix(UploadState.tempPrefix(state.id())))
                    .map(video))
        .onSuccess(
            video ->
                LOG.info(
                    "upload {} complete: {} bytes at {} (joining the parts took {} ms)",
                    video.id(),
                    video.size(),
                    video.sourceKey(),
                    joinMs[0]));
  }

  private Future<Void> join(UploadState state) {
    ObjectStore store = services.store;
    if (state.kind() == Kind.PRESIGN && state.s3UploadId() == null) {
      // PUT in one piece by the client: the object is already there.
      return Future.succeededFuture();
    }
    if (state.parts().isEmpty()) {
      // An empty source: S3 needs at least one part, so store it directly.
      return store
          .abortMultipart(state.sourceKey(), state.s3UploadId())
          .compose(v -> store.putBytes(state.sourceKey(), new byte[0]));
    }
    List<io.minio.messages.Part> parts =
        state.parts().stream().map(p -> ObjectStore.part(p.number(), p.etag())).toList();
    return store
        .completeMultipart(state.sourceKey(), state.s3UploadId(), parts)
        .recover(
            err ->
                // Completed before (a retry after a crash): the object is there with every byte.
                store
                    .size(state.sourceKey())
                    .compose(
                        size ->
                            size.isPresent() && size.get() == state.length()
                                ? Future.succeededFuture()
                                : Future.failedFuture(err)));
  }
}
