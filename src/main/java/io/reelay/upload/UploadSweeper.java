package io.reelay.upload;

import io.reelay.video.VideoStatus;
import io.vertx.core.Future;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload capability's background duty, run by {@link UploadVerticle}: uploads idle past their
 * expiry are aborted (S3 multipart upload, temporary objects, state) and their video marked failed;
 * uploads whose bytes are all in S3 but whose completion was cut short (crash, Kafka away) are
 * completed. Each upload is handled under its lock, so a live writer is never disturbed.
 */
public final class UploadSweeper {
  private static final Logger LOG = LoggerFactory.getLogger(UploadSweeper.class);
  private static final int BATCH = 100;

  private final UploadServices services;

  UploadSweeper(UploadServices services) {
    this.services = services;
  }

  /** One pass; returns how many uploads it expired or completed. */
  public Future<Integer> sweep() {
    Instant now = services.clock.instant();
    return services
        .states
        .due(now, BATCH)
        .compose(
            ids -> {
              Future<Integer> chain = Future.succeededFuture(0);
              for (String id : ids) {
                chain = chain.compose(n -> one(id, now).map(done -> done ? n + 1 : n));
              }
              return chain;
            });
  }

  private Future<Boolean> one(String id, Instant now) {
    return UploadLock.acquire(services.vertx, services.redis, id)
        .compose(
            lock -> {
              if (lock.isEmpty()) {
                return Future.succeededFuture(false); // being written: not idle
              }
              return services
                  .states
                  .get(id)
                  .compose(state -> handle(id, state.orElse(null), lock.get(), now))
                  .eventually(lock.get()::release);
            })
        .recover(
            err -> {
              LOG.warn("upload {}: sweep failed, will retry: {}", id, err.toString());
              return Future.succeededFuture(false);
            });
  }

  private Future<Boolean> handle(String id, UploadState state, UploadLock lock, Instant now) {
    if (state == null) {
      return services.states.forget(id).map(false);
    }
    if (state.bytesComplete()) {
      return new UploadCompletion(services).complete(state, lock, null).map(true);
    }
    if (!state.expired(now)) {
      return services.states.reschedule(id, state.expiresAt()).map(false);
    }
    LOG.info("upload {} idle since before {}: expiring it", id, state.expiresAt());
    return UploadDiscard.discard(services, state, lock)
        .compose(v -> services.videos.get(id))
        .compose(
            video ->
                video.isPresent() && video.get().status() == VideoStatus.UPLOADING
                    ? services.videos.put(video.get().failed("upload expired", now)).mapEmpty()
                    : Future.succeededFuture())
        .map(true);
  }
}
