package io.reelay.ingest;

import io.reelay.live.LiveKeys;
import io.reelay.live.LiveState;
import io.reelay.live.LiveWindowWriter;
import io.reelay.stream.StreamStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends live streams whose ingest died without a clean stop (kill -9, a lost node): such a process
 * neither releases the publisher lock nor runs its grace timer, so the stream would stay {@code
 * live} until its key is published again. The lock is the ingest's lease (renewed every 2 s, TTL
 * {@link LiveLifecycle#LOCK_TTL_MS}); once it lapses, any surviving ingest runs the normal end
 * after a grace period: the playlists get {@code EXT-X-ENDLIST} from the window state in Redis, the
 * stream becomes {@code ended} and {@code stream.ended} is emitted.
 *
 * <p>Every ingest instance sweeps; the decisions are atomic in Redis ({@link
 * StreamStore#sweepOrphan}), and the instance that ends a stream first claims its lock, so several
 * sweepers and a returning publisher never end a stream twice or end a resumed one.
 */
final class OrphanSweeper {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanSweeper.class);

  /** How long a claim to end an orphan holds the lock; a sweeper dying meanwhile is retried. */
  private static final long CLAIM_TTL_MS = 10_000;

  private static final long PASS_TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final Redis redis;
  private final StreamStore store;
  private final StreamEvents events;
  private final long graceMs;
  private final String token = UUID.randomUUID().toString();
  private long timer = -1;
  private boolean sweeping;

  OrphanSweeper(Vertx vertx, Redis redis, StreamStore store, StreamEvents events, long graceMs) {
    this.vertx = vertx;
    this.redis = redis;
    this.store = store;
    this.events = events;
    this.graceMs = graceMs;
  }

  void start(long intervalMs) {
    timer = vertx.setPeriodic(intervalMs, t -> sweep());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /**
   * One pass over the live streams; a pass still running (slow Redis) is not overlapped, and one
   * that never completes (a lost reply) is given up after {@link #PASS_TIMEOUT_MS}.
   */
  Future<Void> sweep() {
    if (sweeping) {
      return Future.succeededFuture();
    }
    sweeping = true;
    return store
        .liveIds()
        .compose(
            ids -> {
              Future<Void> all = Future.succeededFuture();
              for (String id : ids) {
                all = all.transform(ar -> sweep(id));
              }
              return all;
            })
        .timeout(PASS_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onFailure(err -> LOG.debug("orphan sweep: {}", err.toString()))
        .eventually(
            () -> {
              sweeping = false;
              return Future.succeededFuture();
            });
  }

  private Future<Void> sweep(String id) {
    return store
        .sweepOrphan(id, token, graceMs, CLAIM_TTL_MS)
        .compose(session -> session > 0 ? end(id, session) : Future.succeededFuture());
  }

  private Future<Void> end(String id, long session) {
    LOG.warn(
        "live {}: its ingest stopped renewing the publisher lock; ending session {}", id, session);
    return redis
        .send(Request.cmd(Command.GET).arg(LiveKeys.state(id)))
        .compose(
            r -> {
              if (r == null) {
                return Future.succeededFuture(-1L);
              }
              // The dead writer stored state only after the bytes it names, so it is complete up
              // to its last write; the parts of the unfinished segment are dropped.
              LiveState state = LiveState.fromJson(new JsonObject(r.toBuffer()));
              LiveWindowWriter writer =
                  new LiveWindowWriter(
                      redis,
                      id,
                      state.segmentTarget(),
                      state.partTarget(),
                      state,
                      state.startedAtMs(),
                      LiveWindowWriter.Settings.DEFAULT,
                      null);
              return writer.end().map(v -> writer.nextMsn() - 1);
            })
        .compose(
            lastMsn ->
                store
                    .markEnded(id, session, token)
                    .compose(
                        ended -> {
                          if (!ended) {
                            return Future.succeededFuture();
                          }
                          LOG.info("live {}: ended (orphaned)", id);
                          return store
                              .broadcastStart(id)
                              .recover(err -> Future.succeededFuture(0L))
                              .compose(first -> events.ended(id, session, first, lastMsn));
                        }))
        .onFailure(err -> LOG.warn("live {}: ending an orphan failed: {}", id, err.toString()));
  }
}
