package io.reelay.ingest;

import io.reelay.live.LiveKeys;
import io.reelay.live.LiveState;
import io.reelay.live.LiveWindowWriter;
import io.reelay.restream.RestreamTarget;
import io.reelay.restream.Restreamer;
import io.reelay.stream.StreamRecord;
import io.reelay.stream.StreamStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's life across publishes: the publisher lock (one publisher per stream, {@code SET NX PX}
 * renewed while publishing), {@code idle → live} on the first accepted publish, and after a
 * disconnect a grace period in which the publisher may come back and continue the same playlists
 * (numbering continues, with a discontinuity). When the grace period passes without a new publish
 * the playlists end and the stream is {@code ended}. Everything that decides lives in Redis (the
 * lock, a publish session counter), so a reconnect may land on any ingest instance or node.
 */
final class LiveLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(LiveLifecycle.class);
  static final long LOCK_TTL_MS = 6000;

  /** Why a publish was refused; the message goes to the publisher in onStatus. */
  static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private final Vertx vertx;
  private final Redis redis;
  private final StreamStore store;
  private final StreamEvents events;
  private final LiveArchiver archiver;
  private LiveWindowWriter.Settings windowSettings = LiveWindowWriter.Settings.DEFAULT;
  private final long graceMs;

  /** Publishes waiting out their grace period, by stream id; confined to this event loop. */
  private final Map<String, Grace> graces = new HashMap<>();

  /** Publishes in progress on this instance, so an undeploy can end them. */
  private final Map<String, LivePublish> active = new HashMap<>();

  private boolean closing;

  /**
   * Disconnects and endings under way. Shutdown waits for them: one that began just before it (the
   * publisher left a moment before SIGTERM) still needs Redis, S3 and the Kafka producer.
   */
  private final Set<Future<Void>> settling = new HashSet<>();

  private record Grace(long timerId, LivePublish publish) {}

  LiveLifecycle(
      Vertx vertx,
      Redis redis,
      StreamStore store,
      StreamEvents events,
      LiveArchiver archiver,
      long graceMs) {
    this.vertx = vertx;
    this.redis = redis;
    this.store = store;
    this.events = events;
    this.archiver = archiver;
    this.graceMs = graceMs;
  }

  /** Checks the key, takes the lock and marks the stream live; fails with {@link Refused}. */
  Future<LivePublish> begin(String streamKey) {
    String token = UUID.randomUUID().toString();
    return store
        .idForKey(streamKey)
        .compose(
            id -> {
              if (id == null) {
                return Future.failedFuture(new Refused("unknown stream key"));
              }
              return store
                  .acquire(id, token, LOCK_TTL_MS)
                  .compose(
                      held ->
                          held
                              ? start(id, token).onFailure(err -> store.release(id, token))
                              : Future.failedFuture(
                                  new Refused("stream " + id + " is already being published")));
            });
  }

  /** How much the live playlists list (the DVR window); applies to publishes started later. */
  void setWindowSettings(LiveWindowWriter.Settings settings) {
    this.windowSettings = settings;
  }

  private Future<LivePublish> start(String id, String token) {
    // The publisher sends no media before NetStream.Publish.Start, so every round trip here delays
    // the stream's start: these three do not depend on each other and go out together. The
    // previous publisher released the lock only after its window was flushed, so the state read
    // here is complete: a reconnect continues its numbering.
    Future<LiveState> previous =
        redis
            .send(Request.cmd(Command.GET).arg(LiveKeys.state(id)))
            .map(r -> r == null ? null : LiveState.fromJson(new JsonObject(r.toBuffer())));
    Future<StreamStore.LiveMark> marked = store.markLive(id);
    Future<List<String>> restreamTargets = restreamTargets(id);
    return Future.all(previous, marked, restreamTargets)
        .compose(
            all -> {
              StreamStore.LiveMark mark = marked.result();
              if (mark == null) {
                return Future.failedFuture(new Refused("stream " + id + " was deleted"));
              }
              Grace grace = graces.remove(id);
              if (grace != null) {
                vertx.cancelTimer(grace.timerId());
              }
              LiveWindowWriter writer =
                  new LiveWindowWriter(
                      redis,
                      id,
                      LivePublish.SEGMENT_TARGET_MS / 1000.0,
                      LivePublish.PART_TARGET_MS / 1000.0,
                      previous.result(),
                      System.currentTimeMillis(),
                      windowSettings,
                      archiver::accept);
              boolean resumed = mark.previous() == StreamRecord.State.LIVE;
              LOG.info(
                  "live {}: publish {} (session {})",
                  id,
                  resumed ? "resumed" : "started",
                  mark.session());
              LivePublish publish = new LivePublish(id, mark.session(), token, writer);
              active.put(id, publish);
              List<String> urls = restreamTargets.result();
              if (!urls.isEmpty()) {
                List<RestreamTarget> targets = new ArrayList<>();
                urls.forEach(u -> targets.add(RestreamTarget.parse(u)));
                publish.restreamer = new Restreamer(vertx, targets);
              }
              if (resumed) {
                return Future.succeededFuture(publish);
              }
              long firstMsn = writer.nextMsn();
              events.emit(
                  StreamEvents.STARTED,
                  id,
                  new JsonObject().put("session", mark.session()).put("firstMsn", firstMsn));
              return store.markBroadcastStart(id, firstMsn).map(publish);
            });
  }

  /** The stream's configured downstream pushes; failing to read them only logs (none then). */
  private Future<List<String>> restreamTargets(String id) {
    return store
        .restreamTargets(id)
        .recover(
            err -> {
              LOG.warn("live {}: restream targets not read: {}", id, err.toString());
              return Future.succeededFuture(List.of());
            });
  }

  /** Keeps the lock; false when it was lost (the stream was taken over or deleted). */
  Future<Boolean> renew(LivePublish p) {
    return store
        .renew(p.streamId, p.lockToken, LOCK_TTL_MS)
        .compose(
            held ->
                held
                    ? Future.succeededFuture(true)
                    : store.acquire(p.streamId, p.lockToken, LOCK_TTL_MS));
  }

  /** Stores the ingest's statistics for the stream API; they expire if the ingest dies. */
  void publishStats(LivePublish p, JsonObject stats) {
    store
        .putIngestStats(p.streamId, stats, 3 * LOCK_TTL_MS)
        .onFailure(err -> LOG.debug("live {}: stats not stored: {}", p.streamId, err.toString()));
  }

  /** The publisher left: flush, release the lock, and end the stream unless it comes back. */
  Future<Void> disconnected(LivePublish p) {
    if (!p.markFinished()) {
      return Future.succeededFuture();
    }
    active.remove(p.streamId, p);
    return settling(
        p.finish()
            .eventually(() -> store.release(p.streamId, p.lockToken))
            .eventually(() -> store.clearIngestStats(p.streamId))
            .transform(
                ar -> {
                  if (closing) {
                    return end(p);
                  }
                  LOG.info(
                      "live {}: publisher gone, ending in {} ms unless it returns",
                      p.streamId,
                      graceMs);
                  long timer = vertx.setTimer(graceMs, t -> end(p));
                  Grace old = graces.put(p.streamId, new Grace(timer, p));
                  if (old != null) {
                    vertx.cancelTimer(old.timerId());
                  }
                  return Future.succeededFuture();
                }));
  }

  private Future<Void> settling(Future<Void> work) {
    settling.add(work);
    work.onComplete(ar -> settling.remove(work));
    return work;
  }

  private Future<Void> end(LivePublish p) {
    graces.remove(p.streamId);
    return settling(
        store
            .markEnded(p.streamId, p.session)
            .compose(
                ended -> {
                  if (!ended) {
                    // Resumed by a later session (which owns the window now), or deleted: then the
                    // window is nobody's and ends, so its state expires.
                    return store
                        .get(p.streamId)
                        .compose(r -> r == null ? p.writer.end() : Future.succeededFuture());
                  }
                  LOG.info("live {}: ended", p.streamId);
                  archiver.forget(p.streamId);
                  // stream.ended promises a complete archive (live-to-VOD reads it at once): wait
                  // for
                  // this stream's uploads still in flight. Earlier publishes of the broadcast on
                  // other
                  // instances finished theirs during the grace period.
                  return p.writer
                      .end()
                      .eventually(() -> archiver.drained(p.streamId))
                      .compose(v -> store.broadcastStart(p.streamId))
                      .recover(err -> Future.succeededFuture(0L))
                      .compose(
                          firstMsn ->
                              events.ended(
                                  p.streamId, p.session, firstMsn, p.writer.nextMsn() - 1));
                })
            .onFailure(err -> LOG.warn("live {}: ending failed: {}", p.streamId, err.toString())));
  }

  /** On undeploy: streams in their grace period end now rather than stay live forever. */
  Future<Void> shutdown() {
    closing = true;
    Future<Void> all = Future.succeededFuture();
    for (LivePublish p : Map.copyOf(active).values()) {
      all = Future.join(all, disconnected(p)).mapEmpty();
    }
    for (Grace g : Map.copyOf(graces).values()) {
      vertx.cancelTimer(g.timerId());
      all = Future.join(all, end(g.publish())).mapEmpty();
    }
    for (Future<Void> work : List.copyOf(settling)) {
      all = Future.join(all, work).mapEmpty();
    }
    return all;
  }
}
