package io.reelay.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a start-up step against a backing service until it succeeds, with capped exponential
 * backoff, in the background: a dependency that is down at start-up must not keep the server from
 * serving what it can (health reports it DOWN meanwhile).
 */
public final class Backoff {
  private static final Logger LOG = LoggerFactory.getLogger(Backoff.class);
  static final long FIRST_DELAY_MS = 500;
  static final long MAX_DELAY_MS = 10_000;

  private Backoff() {}

  /** Runs {@code step} now and again after each failure; the result completes on success. */
  public static <T> Future<T> untilSuccess(Vertx vertx, String what, Supplier<Future<T>> step) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    attempt(vertx, what, step, promise, FIRST_DELAY_MS);
    return promise.future();
  }

  private static <T> void attempt(
      Vertx vertx,
      String what,
      Supplier<Future<T>> step,
      io.vertx.core.Promise<T> promise,
      long delay) {
    step.get()
        .onSuccess(promise::tryComplete)
        .onFailure(
            err -> {
              LOG.warn("{} failed ({}); retrying in {} ms", what, err.getMessage(), delay);
              vertx.setTimer(
                  delay,
                  t -> attempt(vertx, what, step, promise, Math.min(MAX_DELAY_MS, delay * 2)));
            });
  }
}
