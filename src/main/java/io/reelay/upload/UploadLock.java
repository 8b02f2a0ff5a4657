package io.reelay.upload;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per upload, cluster-wide: {@code SET NX PX} in Redis with a random token, renewed
 * while the writer works, released only by its holder. A crashed node's lock lapses after {@link
 * #TTL_MS}, so the upload becomes writable again without an operator.
 */
final class UploadLock {
  private static final Logger LOG = LoggerFactory.getLogger(UploadLock.class);
  static final long TTL_MS = 15_000;
  private static final long RENEW_MS = 5_000;
  private static final String RENEW =
      "if redis.call('get', KEYS[1]) == ARGV[1] then"
          + " return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
  private static final String RELEASE =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1])"
          + " else return 0 end";

  private final Vertx vertx;
  private final RedisAPI redis;
  private final String id;
  private final String token;
  private long timer = -1;
  private Runnable onLost = () -> {};

  private UploadLock(Vertx vertx, RedisAPI redis, String id, String token) {
    this.vertx = vertx;
    this.redis = redis;
    this.id = id;
    this.token = token;
  }

  static String key(String id) {
    return "reelay:upload:lock:" + id;
  }

  /** The lock, or empty when another writer holds it. */
  static Future<Optional<UploadLock>> acquire(Vertx vertx, RedisAPI redis, String id) {
    String token = UUID.randomUUID().toString();
    return redis
        .set(List.of(key(id), token, "NX", "PX", String.valueOf(TTL_MS)))
        .map(
            r -> {
              if (r == null) {
                return Optional.empty();
              }
              UploadLock lock = new UploadLock(vertx, redis, id, token);
              lock.timer = vertx.setPeriodic(RENEW_MS, t -> lock.renew());
              return Optional.of(lock);
            });
  }

  String token() {
    return token;
  }

  /** Called once if a renewal finds the lock taken over or gone. */
  void onLost(Runnable action) {
    this.onLost = action;
  }

  private void renew() {
    redis
        .eval(List.of(RENEW, "1", key(id), token, String.valueOf(TTL_MS)))
        .onSuccess(
            r -> {
              if (r.toInteger() == 0 && timer >= 0) {
                LOG.warn("upload {}: lock lost, stopping its writer", id);
                vertx.cancelTimer(timer);
                timer = -1;
                onLost.run();
              }
            });
    // A failed renewal (Redis briefly away) is retried by the next tick; if the lock lapses in
    // the meantime, commits are refused because they check the token.
  }

  Future<Void> release() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return redis.eval(List.of(RELEASE, "1", key(id), token)).mapEmpty();
  }
}
