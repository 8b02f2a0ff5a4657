package io.reelay.vod;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import java.time.Instant;
import java.util.List;

/**
 * The transcode pipeline's writes to a video record: status, error, progress and the media fields
 * ({@code duration}, {@code rungs}, {@code hls}, {@code dash}, {@code thumbnail}).
 *
 * <p>Each update is one Lua script that patches fields of the stored JSON document in place, so it
 * never races with the upload side's own writes (a read-modify-write from here could undo a title
 * change) and never resurrects a deleted video. A status guard keeps late events from moving a
 * failed or deleted video.
 */
public final class VideoUpdates {
  /** The record key of the upload capability's {@code VideoStore}. */
  static final String KEY_PREFIX = "reelay:video:";

  private static final String PATCH =
      """
      local v = redis.call('get', KEYS[1])
      if not v then return 0 end
      local o = cjson.decode(v)
      local allowed = false
      for s in string.gmatch(ARGV[2], '[^,]+') do
        if o.status == s then allowed = true end
      end
      if not allowed then return -1 end
      local patch = cjson.decode(ARGV[1])
      for k, val in pairs(patch) do
        if k == 'media' then
          if type(o.media) ~= 'table' then o.media = {} end
          for mk, mv in pairs(val) do o.media[mk] = mv end
        else
          o[k] = val
        end
      end
      redis.call('set', KEYS[1], cjson.encode(o))
      return 1
      """;

  private final RedisAPI redis;

  public VideoUpdates(RedisAPI redis) {
    this.redis = redis;
  }

  public static String key(String videoId) {
    return KEY_PREFIX + videoId;
  }

  /** Outcome of a guarded update. */
  public enum Outcome {
    UPDATED,
    MISSING,
    WRONG_STATE
  }

  public Future<Outcome> processing(String videoId) {
    return patch(
        videoId,
        new JsonObject().put("status", "processing").put("progress", 0.0).putNull("error"),
        "uploading,processing");
  }

  public Future<Outcome> progress(String videoId, double progress, JsonObject media) {
    JsonObject p = new JsonObject().put("progress", Math.max(0, Math.min(1, progress)));
    if (media != null && !media.isEmpty()) {
      p.put("media", media);
    }
    return patch(videoId, p, "processing");
  }

  public Future<Outcome> ready(String videoId, JsonObject media) {
    return patch(
        videoId,
        new JsonObject().put("status", "ready").put("progress", 1.0).put("media", media),
        "processing");
  }

  public Future<Outcome> failed(String videoId, String reason) {
    return patch(
        videoId,
        new JsonObject().put("status", "failed").put("error", reason),
        "uploading,processing");
  }

  /** The stored record, or null. */
  public Future<JsonObject> get(String videoId) {
    return redis.get(key(videoId)).map(r -> r == null ? null : new JsonObject(r.toString()));
  }

  private Future<Outcome> patch(String videoId, JsonObject patch, String allowedStatuses) {
    patch.put("updatedAt", Instant.now().toString());
    return redis
        .eval(List.of(PATCH, "1", key(videoId), patch.encode(), allowedStatuses))
        .map(
            r ->
                switch (r.toInteger()) {
                  case 1 -> Outcome.UPDATED;
                  case 0 -> Outcome.MISSING;
                  default -> Outcome.WRONG_STATE;
                });
  }
}
