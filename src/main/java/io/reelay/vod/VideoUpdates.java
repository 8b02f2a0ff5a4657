package io.reelay.vod;

import io.reelay.video.VideoStatus;
import io.reelay.video.VideoStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import java.time.Instant;

/**
 * The transcode pipeline's writes to a video record: status, error, progress and the media fields
 * ({@code duration}, {@code rungs}, {@code hls}, {@code dash}, {@code thumbnail}), each one atomic
 * {@link VideoStore#patch}: never racing with the upload side's own writes, never resurrecting a
 * deleted video, and guarded by status so late events cannot move a failed or finished video.
 */
public final class VideoUpdates {
  private final VideoStore store;
  private final RedisAPI redis;

  public VideoUpdates(RedisAPI redis) {
    this.redis = redis;
    this.store = new VideoStore(redis);
  }

  public static String key(String videoId) {
    return VideoStore.key(videoId);
  }

  public Future<VideoStore.PatchOutcome> processing(String videoId) {
    return patch(
        videoId,
        new JsonObject().put("status", "processing").put("progress", 0.0).putNull("error"),
        VideoStatus.UPLOADING,
        VideoStatus.PROCESSING);
  }

  public Future<VideoStore.PatchOutcome> progress(
      String videoId, double progress, JsonObject media) {
    JsonObject p = new JsonObject().put("progress", Math.max(0, Math.min(1, progress)));
    if (media != null && !media.isEmpty()) {
      p.put("media", media);
    }
    return patch(videoId, p, VideoStatus.PROCESSING);
  }

  public Future<VideoStore.PatchOutcome> ready(String videoId, JsonObject media) {
    return patch(
        videoId,
        new JsonObject().put("status", "ready").put("progress", 1.0).put("media", media),
        VideoStatus.PROCESSING);
  }

  public Future<VideoStore.PatchOutcome> failed(String videoId, String reason) {
    return patch(
        videoId,
        new JsonObject().put("status", "failed").put("error", reason),
        VideoStatus.UPLOADING,
        VideoStatus.PROCESSING);
  }

  /** The stored record as JSON (the stored form, {@code media} nested), or null. */
  public Future<JsonObject> get(String videoId) {
    return redis.get(key(videoId)).map(r -> r == null ? null : new JsonObject(r.toString()));
  }

  public Future<Void> delete(String videoId) {
    return store.delete(videoId);
  }

  private Future<VideoStore.PatchOutcome> patch(
      String videoId, JsonObject patch, VideoStatus... allowed) {
    patch.put("updatedAt", Instant.now().toString());
    return store.patch(videoId, patch, allowed);
  }
}
