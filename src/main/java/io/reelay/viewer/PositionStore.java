package io.reelay.viewer;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where each viewer stopped in each video, and what they watched most recently. A hash of positions
 * and a sorted set by update time per user, in Redis (append-only persistence makes it durable);
 * history is capped so it cannot grow without bound.
 */
public final class PositionStore {
  /** A saved position. */
  public record Position(String videoId, double seconds, long updatedAt) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("videoId", videoId)
          .put("seconds", seconds)
          .put("updatedAt", updatedAt);
    }
  }

  static final int HISTORY_LIMIT = 200;
  private final RedisAPI redis;

  public PositionStore(RedisAPI redis) {
    this.redis = redis;
  }

  static String positionsKey(String userId) {
    return "reelay:positions:" + userId;
  }

  static String historyKey(String userId) {
    return "reelay:history:" + userId;
  }

  public Future<Void> save(String userId, String videoId, double seconds, long now) {
    String value = new JsonObject().put("seconds", seconds).put("updatedAt", now).encode();
    return redis
        .hset(List.of(positionsKey(userId), videoId, value))
        .compose(r -> redis.zadd(List.of(historyKey(userId), Long.toString(now), videoId)))
        // Keep only the newest entries; their positions go with them.
        .compose(
            r ->
                redis.zrange(
                    List.of(historyKey(userId), "0", Integer.toString(-HISTORY_LIMIT - 1))))
        .compose(
            old -> {
              if (old == null || old.size() == 0) {
                return Future.succeededFuture();
              }
              List<String> stale = new ArrayList<>();
              old.forEach(v -> stale.add(v.toString()));
              List<String> zrem = new ArrayList<>(List.of(historyKey(userId)));
              zrem.addAll(stale);
              List<String> hdel = new ArrayList<>(List.of(positionsKey(userId)));
              hdel.addAll(stale);
              return redis.zrem(zrem).compose(r -> redis.hdel(hdel)).mapEmpty();
            })
        .mapEmpty();
  }

  public Future<Optional<Position>> get(String userId, String videoId) {
    return redis
        .hget(positionsKey(userId), videoId)
        .map(v -> v == null ? Optional.<Position>empty() : Optional.of(parse(videoId, v)));
  }

  private static Position parse(String videoId, Response v) {
    JsonObject j = new JsonObject(v.toString());
    return new Position(videoId, j.getDouble("seconds"), j.getLong("updatedAt"));
  }

  /** Newest first. */
  public Future<List<Position>> history(String userId, int limit) {
    return redis
        .zrevrange(List.of(historyKey(userId), "0", Integer.toString(limit - 1)))
        .compose(
            ids -> {
              List<String> videoIds = new ArrayList<>();
              ids.forEach(v -> videoIds.add(v.toString()));
              if (videoIds.isEmpty()) {
                return Future.succeededFuture(List.<Position>of());
              }
              List<String> args = new ArrayList<>(List.of(positionsKey(userId)));
              args.addAll(videoIds);
              return redis
                  .hmget(args)
                  .map(
                      values -> {
                        List<Position> out = new ArrayList<>();
                        for (int i = 0; i < videoIds.size(); i++) {
                          if (values.get(i) != null) {
                            out.add(parse(videoIds.get(i), values.get(i)));
                          }
                        }
                        return out;
                      });
            });
  }

  static JsonArray toJson(List<Position> positions) {
    JsonArray a = new JsonArray();
    positions.forEach(p -> a.add(p.toJson()));
    return a;
  }
}
