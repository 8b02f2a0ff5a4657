package io.reelay.video;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Video records in Redis, the source of truth for them (Redis runs with append-only persistence):
 * one JSON document per video at {@code reelay:video:{id}} and a sorted set {@code reelay:videos}
 * scored by creation time, for listing newest first.
 */
public final class VideoStore {
  static final String KEY_PREFIX = "reelay:video:";
  static final String INDEX = "reelay:videos";

  // Record and index change together, so a listing never points at a missing record.
  private static final String PUT =
      "redis.call('set', KEYS[1], ARGV[1]) redis.call('zadd', KEYS[2], ARGV[2], ARGV[3]) return 1";
  private static final String DELETE =
      "redis.call('del', KEYS[1]) redis.call('zrem', KEYS[2], ARGV[1]) return 1";

  // Patches fields of the stored document in place (media merged key by key), guarded by status.
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
      for k, val in pairs(cjson.decode(ARGV[1])) do
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

  public VideoStore(RedisAPI redis) {
    this.redis = redis;
  }

  public static String key(String id) {
    return KEY_PREFIX + id;
  }

  public Future<Video> put(Video video) {
    return redis
        .eval(
            List.of(
                PUT,
                "2",
                key(video.id()),
                INDEX,
                video.toJson().encode(),
                String.valueOf(video.createdAt().toEpochMilli()),
                video.id()))
        .map(r -> video);
  }

  public Future<Optional<Video>> get(String id) {
    return redis
        .get(key(id))
        .map(r -> r == null ? Optional.empty() : Optional.of(parse(r.toString())));
  }

  public Future<Void> delete(String id) {
    return redis.eval(List.of(DELETE, "2", key(id), INDEX, id)).mapEmpty();
  }

  /** What {@link #patch} did. */
  public enum PatchOutcome {
    UPDATED,
    MISSING,
    WRONG_STATUS
  }

  /**
   * Sets {@code fields} of the stored record in one atomic step (no read-modify-write race with
   * other writers; {@code media} is merged key by key), only while its status is one of {@code
   * allowed}. A deleted video stays deleted. Used by the transcode pipeline for status, error,
   * progress and media.
   */
  public Future<PatchOutcome> patch(String id, JsonObject fields, VideoStatus... allowed) {
    StringBuilder statuses = new StringBuilder();
    for (VideoStatus s : allowed) {
      statuses.append(s.wire()).append(',');
    }
    return redis
        .eval(List.of(PATCH, "1", key(id), fields.encode(), statuses.toString()))
        .map(
            r ->
                switch (r.toInteger()) {
                  case 1 -> PatchOutcome.UPDATED;
                  case 0 -> PatchOutcome.MISSING;
                  default -> PatchOutcome.WRONG_STATUS;
                });
  }

  /** One page of videos, newest first, and the total count. */
  public Future<Page> list(int offset, int limit) {
    Future<Response> total = redis.zcard(INDEX);
    Future<List<Video>> videos =
        redis
            .zrevrange(List.of(INDEX, String.valueOf(offset), String.valueOf(offset + limit - 1)))
            .compose(
                ids -> {
                  if (ids == null || ids.size() == 0) {
                    return Future.succeededFuture(List.of());
                  }
                  List<String> keys = new ArrayList<>();
                  ids.forEach(id -> keys.add(key(id.toString())));
                  return redis.mget(keys).map(VideoStore::parseAll);
                });
    return Future.all(total, videos)
        .map(v -> new Page(videos.result(), total.result().toLong(), offset, limit));
  }

  private static List<Video> parseAll(Response values) {
    List<Video> out = new ArrayList<>();
    // A record deleted between the two reads is skipped, not an error.
    values.forEach(v -> Optional.ofNullable(v).map(r -> parse(r.toString())).ifPresent(out::add));
    return out;
  }

  private static Video parse(String json) {
    return Video.fromJson(new JsonObject(json));
  }

  /** A page of a listing. */
  public record Page(List<Video> videos, long total, int offset, int limit) {}
}
