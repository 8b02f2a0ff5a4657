package io.reelay.vod;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Transcode bookkeeping of a video in Redis (small, rebuilt by a re-upload if lost):
 *
 * <ul>
 *   <li>{@code reelay:vod:{id}:plan}: the plan JSON (ladder, segment grid, job ids);
 *   <li>{@code reelay:vod:{id}:done}: hash jobId → result JSON. HSET is idempotent, so a job
 *       reported twice counts once;
 *   <li>{@code reelay:vod:{id}:attempts}: hash jobId → attempts started (poison-job bound);
 *   <li>{@code reelay:vod:{id}:errors}: hash jobId → last error.
 * </ul>
 */
public final class VodState {
  private static final String PREFIX = "reelay:vod:";

  private final RedisAPI redis;

  public VodState(RedisAPI redis) {
    this.redis = redis;
  }

  static String planKey(String id) {
    return PREFIX + id + ":plan";
  }

  static String doneKey(String id) {
    return PREFIX + id + ":done";
  }

  static String attemptsKey(String id) {
    return PREFIX + id + ":attempts";
  }

  static String errorsKey(String id) {
    return PREFIX + id + ":errors";
  }

  public Future<Void> putPlan(String id, JsonObject plan) {
    return redis.set(List.of(planKey(id), plan.encode())).mapEmpty();
  }

  public Future<JsonObject> plan(String id) {
    return redis.get(planKey(id)).map(r -> r == null ? null : new JsonObject(r.toString()));
  }

  /** Records a result; returns how many distinct jobs are done. */
  public Future<Long> recordDone(String id, String jobId, JsonObject result) {
    return redis
        .hset(List.of(doneKey(id), jobId, result.encode()))
        .compose(r -> redis.hlen(doneKey(id)))
        .map(Response::toLong);
  }

  /** Every result so far, by job id. */
  public Future<Map<String, JsonObject>> results(String id) {
    return redis
        .hgetall(doneKey(id))
        .map(
            r -> {
              Map<String, JsonObject> out = new LinkedHashMap<>();
              if (r != null) {
                for (String k : r.getKeys()) {
                  out.put(k, new JsonObject(r.get(k).toString()));
                }
              }
              return out;
            });
  }

  /** Counts one more attempt at a job; returns the attempt number (1 for the first). */
  public Future<Long> startAttempt(String id, String jobId) {
    return redis.hincrby(attemptsKey(id), jobId, "1").map(Response::toLong);
  }

  public Future<Void> recordError(String id, String jobId, String error) {
    return redis.hset(List.of(errorsKey(id), jobId, error)).mapEmpty();
  }

  public Future<String> lastError(String id, String jobId) {
    return redis.hget(errorsKey(id), jobId).map(r -> r == null ? null : r.toString());
  }

  /** Keeps the bookkeeping a while after the video is finished, for debugging, then drops it. */
  public Future<Void> expire(String id, long seconds) {
    String s = Long.toString(seconds);
    return Future.all(
            redis.expire(List.of(planKey(id), s)),
            redis.expire(List.of(doneKey(id), s)),
            redis.expire(List.of(attemptsKey(id), s)),
            redis.expire(List.of(errorsKey(id), s)))
        .mapEmpty();
  }

  public Future<Void> delete(String id) {
    return redis.del(List.of(planKey(id), doneKey(id), attemptsKey(id), errorsKey(id))).mapEmpty();
  }
}
