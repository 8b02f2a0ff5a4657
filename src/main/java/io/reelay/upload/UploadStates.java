package io.reelay.upload;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Upload state in Redis, so that any node (or this one after a crash) can resume an upload:
 *
 * <ul>
 *   <li>{@code reelay:upload:{id}}: the {@link UploadState} as JSON;
 *   <li>{@code reelay:uploads:due}: sorted set of ids scored by when the sweeper should look at
 *       them (the expiry, or a retry time for a completion that still has to be announced);
 *   <li>{@code reelay:uploads:active:{owner}}: the owner's unfinished uploads, for the limit.
 * </ul>
 *
 * Writes that follow a PATCH are only applied while the writer still holds the upload's lock, in
 * one Lua script, so a writer that lost its lock can never overwrite a newer state.
 */
final class UploadStates {
  private static final String STATE_PREFIX = "reelay:upload:";
  static final String DUE = "reelay:uploads:due";
  private static final String ACTIVE_PREFIX = "reelay:uploads:active:";

  private static final String CREATE =
      "if tonumber(ARGV[4]) > 0 and redis.call('scard', KEYS[3]) >= tonumber(ARGV[4]) then"
          + " return 0 end"
          + " redis.call('set', KEYS[1], ARGV[1])"
          + " redis.call('zadd', KEYS[2], ARGV[2], ARGV[3])"
          + " redis.call('sadd', KEYS[3], ARGV[3]) return 1";
  private static final String COMMIT =
      "if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end"
          + " redis.call('set', KEYS[2], ARGV[2])"
          + " redis.call('zadd', KEYS[3], ARGV[3], ARGV[4]) return 1";
  private static final String REMOVE =
      "if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end"
          + " redis.call('del', KEYS[2]) redis.call('zrem', KEYS[3], ARGV[2])"
          + " redis.call('srem', KEYS[4], ARGV[2]) return 1";

  private final RedisAPI redis;

  UploadStates(RedisAPI redis) {
    this.redis = redis;
  }

  static String key(String id) {
    return STATE_PREFIX + id;
  }

  static String activeKey(String owner) {
    return ACTIVE_PREFIX + owner;
  }

  Future<Optional<UploadState>> get(String id) {
    return redis
        .get(key(id))
        .map(
            r ->
                r == null
                    ? Optional.empty()
                    : Optional.of(UploadState.fromJson(new JsonObject(r.toString()))));
  }

  /**
   * Stores a new upload unless its owner already has {@code limit} unfinished ones (0: no limit).
   */
  Future<Boolean> create(UploadState state, int limit) {
    return redis
        .eval(
            List.of(
                CREATE,
                "3",
                key(state.id()),
                DUE,
                activeKey(state.owner()),
                state.toJson().encode(),
                String.valueOf(state.expiresAt().toEpochMilli()),
                state.id(),
                String.valueOf(limit)))
        .map(r -> r.toInteger() == 1);
  }

  /** Replaces the state while {@code lock} is held; the sweeper looks again at {@code dueAt}. */
  Future<UploadState> commit(UploadState state, UploadLock lock, Instant dueAt) {
    return redis
        .eval(
            List.of(
                COMMIT,
                "3",
                UploadLock.key(state.id()),
                key(state.id()),
                DUE,
                lock.token(),
                state.toJson().encode(),
                String.valueOf(dueAt.toEpochMilli()),
                state.id()))
        .compose(r -> lockChecked(r, state));
  }

  /** Forgets the upload (finished, terminated or expired) while {@code lock} is held. */
  Future<Void> remove(UploadState state, UploadLock lock) {
    return redis
        .eval(
            List.of(
                REMOVE,
                "4",
                UploadLock.key(state.id()),
                key(state.id()),
                DUE,
                activeKey(state.owner()),
                lock.token(),
                state.id()))
        .compose(r -> lockChecked(r, state))
        .mapEmpty();
  }

  private static Future<UploadState> lockChecked(Response r, UploadState state) {
    if (r.toInteger() == 1) {
      return Future.succeededFuture(state);
    }
    return Future.failedFuture(
        new UploadException(409, "lock_lost", "another request took over this upload"));
  }

  /** Ids the sweeper should look at now. */
  Future<List<String>> due(Instant now, int max) {
    return redis
        .zrangebyscore(
            List.of(
                DUE, "-inf", String.valueOf(now.toEpochMilli()), "LIMIT", "0", String.valueOf(max)))
        .map(
            r -> {
              List<String> ids = new ArrayList<>();
              r.forEach(id -> ids.add(id.toString()));
              return ids;
            });
  }

  Future<Void> reschedule(String id, Instant at) {
    return redis.zadd(List.of(DUE, String.valueOf(at.toEpochMilli()), id)).mapEmpty();
  }

  /** Drops a due entry whose state is gone (removed by a node that died half-way). */
  Future<Void> forget(String id) {
    return redis.zrem(List.of(DUE, id)).mapEmpty();
  }
}
