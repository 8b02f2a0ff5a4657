package io.reelay.livevod;

import io.reelay.stream.StreamRecord;
import io.reelay.stream.StreamStore;
import io.reelay.transcode.media.MediaException;
import io.reelay.video.Video;
import io.reelay.video.VideoStatus;
import io.reelay.video.VideoStore;
import io.reelay.video.Visibility;
import io.reelay.vod.VideoUpdates;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a finished broadcast becomes: a video record owned by the stream's owner, {@code processing}
 * while {@link RecordingAssembler} copies the archive and {@code ready} after, linked from the
 * stream ({@code vodId}).
 *
 * <p>One broadcast, one VOD: the id is derived from the stream id and the broadcast's first media
 * sequence number, so a redelivered {@code stream.ended} finds the same video (a ready one is left
 * alone, a half-done one is assembled again over the same keys), while a later broadcast of the
 * same stream (published again after it ended) becomes a new VOD and the stream's {@code vodId}
 * moves to it. Reconnects within the grace period stay in one broadcast and one VOD.
 */
final class LiveRecordings {
  private static final Logger LOG = LoggerFactory.getLogger(LiveRecordings.class);
  static final String ENDED = "stream.ended";

  private final StreamStore streams;
  private final VideoStore videos;
  private final VideoUpdates updates;
  private final WorkerExecutor workers;
  private final RecordingAssembler assembler;

  LiveRecordings(
      StreamStore streams,
      VideoStore videos,
      VideoUpdates updates,
      WorkerExecutor workers,
      RecordingAssembler assembler) {
    this.streams = streams;
    this.videos = videos;
    this.updates = updates;
    this.workers = workers;
    this.assembler = assembler;
  }

  /** The VOD id of the broadcast of {@code streamId} that started at {@code firstMsn}. */
  static String vodId(String streamId, long firstMsn) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((streamId + "/" + firstMsn).getBytes(StandardCharsets.UTF_8));
      // 144 bits, URL-safe: the same shape as upload ids.
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Handles one stream event; succeeds with true when a VOD became ready. Fails only for transient
   * trouble (Redis, S3), so the consumer retries the same event.
   */
  Future<Boolean> handle(JsonObject event) {
    if (!ENDED.equals(event.getString("type"))) {
      return Future.succeededFuture(false);
    }
    String streamId = event.getString("streamId");
    long firstMsn = event.getLong("firstMsn", 0L);
    long lastMsn = event.getLong("lastMsn", -1L);
    long endedAt = event.getLong("at", System.currentTimeMillis());
    if (streamId == null || lastMsn < firstMsn) {
      LOG.info("live-to-VOD: nothing recorded in {}", event.encode());
      return Future.succeededFuture(false);
    }
    String vodId = vodId(streamId, firstMsn);
    return streams
        .get(streamId)
        .compose(
            stream -> {
              if (stream == null) {
                LOG.info("live-to-VOD: stream {} was deleted, no recording", streamId);
                return Future.succeededFuture(false);
              }
              return videos
                  .get(vodId)
                  .compose(
                      existing -> {
                        if (existing.isPresent()
                            && existing.get().status() != VideoStatus.PROCESSING) {
                          // Done before (ready, or failed for good, or deleted by its owner).
                          return Future.succeededFuture(false);
                        }
                        Future<?> created =
                            existing.isPresent()
                                ? Future.succeededFuture()
                                : videos.put(record(vodId, stream, streamId));
                        return created
                            .compose(v -> streams.setVodId(streamId, vodId))
                            .compose(v -> convert(streamId, firstMsn, lastMsn, vodId, endedAt));
                      });
            });
  }

  private Future<Boolean> convert(
      String streamId, long firstMsn, long lastMsn, String vodId, long endedAt) {
    return workers
        .executeBlocking(
            () -> {
              try {
                return assembler.assemble(
                    streamId,
                    firstMsn,
                    lastMsn,
                    vodId,
                    media -> {
                      // Playable now: ready before the storyboard (this is a worker thread).
                      try {
                        updates
                            .ready(vodId, media.put("stream", streamId))
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(30, TimeUnit.SECONDS);
                      } catch (TimeoutException | ExecutionException e) {
                        // Redis away: the event is retried; the assembly is idempotent.
                        throw new IllegalStateException("marking " + vodId + " ready failed", e);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                      }
                      LOG.info(
                          "live {} → VOD {} ready ({} s) {} ms after the stream ended",
                          streamId,
                          vodId,
                          media.getDouble("duration"),
                          System.currentTimeMillis() - endedAt);
                    });
              } catch (MediaException e) {
                // Nothing playable in the archive: a final answer, not a transient failure.
                return new JsonObject().put("error", e.getMessage());
              }
            },
            false)
        .compose(
            media -> {
              if (media.containsKey("error")) {
                LOG.warn("live {} → VOD {} failed: {}", streamId, vodId, media.getString("error"));
                return updates.failed(vodId, media.getString("error")).map(false);
              }
              if (!media.containsKey("storyboard")) {
                return Future.succeededFuture(true);
              }
              JsonObject storyboard =
                  new JsonObject().put("storyboard", media.getString("storyboard"));
              return videos
                  .patch(vodId, new JsonObject().put("media", storyboard), VideoStatus.READY)
                  .map(true);
            });
  }

  private static Video record(String vodId, StreamRecord stream, String streamId) {
    Instant now = Instant.now();
    String title = stream.title() == null || stream.title().isBlank() ? "Live" : stream.title();
    if (stream.startedAtMs() > 0) {
      title += " (" + Instant.ofEpochMilli(stream.startedAtMs()).toString().substring(0, 16) + "Z)";
    }
    return new Video(
        vodId,
        title,
        stream.ownerId(),
        VideoStatus.PROCESSING,
        null,
        0,
        -1,
        0,
        null,
        now,
        now,
        new JsonObject().put("stream", streamId),
        // The broadcast was public while live (live playback needs no token), so its recording is.
        Visibility.PUBLIC);
  }
}
