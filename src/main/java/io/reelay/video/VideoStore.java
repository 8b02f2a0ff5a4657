package io.reelay.video;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Video records in Redis, the source of truth for them (Redis runs with append-only persistence):
 * one JSON document per video at {@code reelay:video:{id}} and sorted sets scored by creation time,
 * for listing newest first: {@code reelay:videos} (all), {@code reelay:videos:public} and {@code
 * reelay:videos:owner:{userId}} (listings filtered by visibility without reading every record).
 */
public final class VideoStore {
  static final String KEY_PREFIX = "reelay:video:";
  static final String INDEX = "reelay:videos";
  static final String PUBLIC_INDEX = "reelay:videos:public";
  static final String OWNER_INDEX_PREFIX = "reelay:videos:owner:";
  private static final String INDEXED_MARKER = "reelay:videos:indexed:v1";

  // Record and indexes change together, so a listing never points at a missing record. A record
  // that exists keeps its stored visibility: writers that read, change and put a record (upload
  // completion, the sweeper) must not undo a visibility change made meanwhile.
  private static final String PUT =
      """
      local o = cjson.decode(ARGV[1])
      local old = redis.call('get', KEYS[1])
      if old then o.visibility = cjson.decode(old).visibility or 'public' end
      redis.call('set', KEYS[1], cjson.encode(o))
      redis.call('zadd', KEYS[2], ARGV[2], ARGV[3])
      redis.call('zadd', KEYS[4], ARGV[2], ARGV[3])
      if o.visibility == 'public' then redis.call('zadd', KEYS[3], ARGV[2], ARGV[3])
      else redis.call('zrem', KEYS[3], ARGV[3]) end
      return cjson.encode(o)
      """;
  private static final String DELETE =
      """
      local old = redis.call('get', KEYS[1])
      if old then
        redis.call('zrem', ARGV[2] .. cjson.decode(old).owner, ARGV[1])
      end
      redis.call('del', KEYS[1]) redis.call('zrem', KEYS[2], ARGV[1])
      redis.call('zrem', KEYS[3], ARGV[1])
      return 1
      """;
  private static final String SET_VISIBILITY =
      """
      local v = redis.call('get', KEYS[1])
      if not v then return false end
      local o = cjson.decode(v)
      o.visibility = ARGV[1]
      o.updatedAt = ARGV[2]
      redis.call('set', KEYS[1], cjson.encode(o))
      local score = redis.call('zscore', KEYS[3], ARGV[3])
      if ARGV[1] == 'public' and score then redis.call('zadd', KEYS[2], score, ARGV[3])
      else redis.call('zrem', KEYS[2], ARGV[3]) end
      return cjson.encode(o)
      """;
  // One page of the union of two indexes (public + the caller's own), through a scratch key.
  private static final String LIST_UNION =
      """
      redis.call('zunionstore', KEYS[3], 2, KEYS[1], KEYS[2], 'AGGREGATE', 'MAX')
      local total = redis.call('zcard', KEYS[3])
      local ids = redis.call('zrevrange', KEYS[3], ARGV[1], ARGV[2])
      redis.call('del', KEYS[3])
      return {total, ids}
      """;
  // Builds the public and per-owner indexes for records stored before they existed (once).
  private static final String REINDEX =
      """
      if redis.call('exists', KEYS[3]) == 1 then return 0 end
      local ids = redis.call('zrange', KEYS[1], 0, -1, 'WITHSCORES')
      for i = 1, #ids, 2 do
        local v = redis.call('get', ARGV[1] .. ids[i])
        if v then
          local o = cjson.decode(v)
          redis.call('zadd', ARGV[2] .. o.owner, ids[i + 1], ids[i])
          if o.visibility == nil or o.visibility == 'public' then
            redis.call('zadd', KEYS[2], ids[i + 1], ids[i])
          end
        end
      end
      redis.call('set', KEYS[3], '1')
      return #ids / 2
      """;

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

  static String ownerIndex(String owner) {
    return OWNER_INDEX_PREFIX + owner;
  }

  /**
   * Stores {@code video} and indexes it; an existing record keeps its stored visibility (change it
   * with {@link #setVisibility}). Returns the record as stored.
   */
  public Future<Video> put(Video video) {
    return redis
        .eval(
            List.of(
                PUT,
                "4",
                key(video.id()),
                INDEX,
                PUBLIC_INDEX,
                ownerIndex(video.owner()),
                video.toJson().encode(),
                String.valueOf(video.createdAt().toEpochMilli()),
                video.id()))
        .map(r -> parse(r.toString()));
  }

  /** Changes who may list and watch the video; empty when there is no such video. */
  public Future<Optional<Video>> setVisibility(String id, Visibility visibility, Instant now) {
    return redis
        .eval(
            List.of(
                SET_VISIBILITY,
                "3",
                key(id),
                PUBLIC_INDEX,
                INDEX,
                visibility.wire(),
                now.toString(),
                id))
        .map(r -> r == null ? Optional.empty() : Optional.of(parse(r.toString())));
  }

  /** Adds records stored before the public and per-owner indexes existed to them, once. */
  public Future<Void> ensureIndexes() {
    return redis
        .eval(
            List.of(
                REINDEX, "3", INDEX, PUBLIC_INDEX, INDEXED_MARKER, KEY_PREFIX, OWNER_INDEX_PREFIX))
        .mapEmpty();
  }

  public Future<Optional<Video>> get(String id) {
    return redis
        .get(key(id))
        .map(r -> r == null ? Optional.empty() : Optional.of(parse(r.toString())));
  }

  public Future<Void> delete(String id) {
    return redis
        .eval(List.of(DELETE, "3", key(id), INDEX, PUBLIC_INDEX, id, OWNER_INDEX_PREFIX))
        .mapEmpty();
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

  /** One page of all videos, newest first, and the total count (what an admin sees). */
  public Future<Page> list(int offset, int limit) {
    return listIndex(INDEX, offset, limit);
  }

  /** One page of the public videos, newest first (what an anonymous caller sees). */
  public Future<Page> listPublic(int offset, int limit) {
    return listIndex(PUBLIC_INDEX, offset, limit);
  }

  /** One page of the public videos and every video of {@code owner}, newest first. */
  public Future<Page> listPublicAndOwn(String owner, int offset, int limit) {
    String scratch = "reelay:videos:view:" + UUID.randomUUID();
    return redis
        .eval(
            List.of(
                LIST_UNION,
                "3",
                PUBLIC_INDEX,
                ownerIndex(owner),
                scratch,
                String.valueOf(offset),
                String.valueOf(offset + limit - 1)))
        .compose(
            r -> {
              long total = r.get(0).toLong();
              return records(r.get(1)).map(videos -> new Page(videos, total, offset, limit));
            });
  }

  private Future<Page> listIndex(String index, int offset, int limit) {
    Future<Response> total = redis.zcard(index);
    Future<List<Video>> videos =
        redis
            .zrevrange(List.of(index, String.valueOf(offset), String.valueOf(offset + limit - 1)))
            .compose(this::records);
    return Future.all(total, videos)
        .map(v -> new Page(videos.result(), total.result().toLong(), offset, limit));
  }

  private Future<List<Video>> records(Response ids) {
    if (ids == null || ids.size() == 0) {
      return Future.succeededFuture(List.of());
    }
    List<String> keys = new ArrayList<>();
    ids.forEach(id -> keys.add(key(id.toString())));
    return redis.mget(keys).map(VideoStore::parseAll);
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
