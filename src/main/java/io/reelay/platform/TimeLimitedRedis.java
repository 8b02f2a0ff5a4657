package io.reelay.platform;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Redis client whose commands fail with {@link RedisTimeoutException} when Redis has not answered
 * within a bound, so a request that would never complete (a lost reply, a stuck pooled connection)
 * becomes a clear error the caller handles (HTTP 503, a retried write) instead of a hang. The
 * command itself is not cancelled; its late reply is ignored.
 */
public final class TimeLimitedRedis implements Redis {
  private final Redis delegate;
  private final long timeoutMs;

  public TimeLimitedRedis(Redis delegate, long timeoutMs) {
    this.delegate = delegate;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Response> send(Request request) {
    return bounded(delegate.send(request), request.command().toString());
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    String what = requests.isEmpty() ? "batch" : "batch " + requests.get(0).command();
    return bounded(delegate.batch(requests), what);
  }

  /**
   * Not bounded: a connection arriving after a timeout would leak. Dedicated connections serve
   * subscriptions, whose users watch them with their own handlers.
   */
  @Override
  public Future<RedisConnection> connect() {
    return delegate.connect();
  }

  @Override
  public Future<Void> close() {
    return delegate.close();
  }

  private <T> Future<T> bounded(Future<T> call, String what) {
    return call.timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof TimeoutException
                        ? new RedisTimeoutException(what, timeoutMs)
                        : err));
  }

  /** Redis did not answer in time. */
  public static final class RedisTimeoutException extends RuntimeException {
    RedisTimeoutException(String command, long timeoutMs) {
      super("Redis did not answer " + command + " within " + timeoutMs + " ms", null, false, false);
    }
  }
}
