package io.reelay.transcode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reelay.live.LiveKeys;
import io.reelay.live.LiveRungs;
import io.reelay.live.LiveState;
import io.reelay.storage.ObjectStore;
import io.reelay.transcode.media.LiveRungTranscoder;
import io.reelay.transcode.media.MediaException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one live transcode job (one finished source segment): skips it when it is older than the
 * live window, otherwise reads the source init + segment from the Redis window, encodes the rungs
 * below the source on a worker thread, stores each rung segment in Redis under the live key scheme
 * (rendition = rung name), records it in the rung index, notifies blocked players and archives it
 * to S3 with the live archive layout ({@code live/{id}/{rung}/seg-{msn}.m4s}, {@code init-{gen}}).
 *
 * <p>Keeping up: when three jobs in a row finish later than {@code dropLagMs} after their source
 * segments, the most expensive rung still produced for that stream is dropped (recorded in Redis,
 * so every worker and the stream API agree), never the last one.
 */
final class LiveRungWorker {
  private static final Logger LOG = LoggerFactory.getLogger(LiveRungWorker.class);
  private static final long MEDIA_TTL_MS = 30_000;
  private static final long INIT_TTL_MS = 6 * 3600_000L;

  /** Tunables: job age limit, lag that drops a rung, encoder preset, test slowdown per job. */
  record Settings(long maxAgeMs, long dropLagMs, String x264Preset, long extraDelayMs) {
    static Settings of(JsonObject config) {
      return new Settings(
          config.getLong("liveMaxJobAgeMs", 12_000L),
          config.getLong("liveDropLagMs", 6_000L),
          config.getString("liveX264Preset", "veryfast"),
          config.getLong("liveExtraDelayMs", 0L));
    }
  }

  private final Vertx vertx;
  private final Redis client;
  private final RedisAPI redis;
  private final ObjectStore store;
  private final Path workDir;
  private final Settings settings;
  private final Counter skipped;
  private final Counter dropped;
  private final Counter done;

  /** Consecutive late jobs in a row before a rung is dropped. */
  static final int LATE_JOBS_BEFORE_DROP = 3;

  /** Late jobs in a row per stream on this worker (entries leave when a job is on time). */
  private final java.util.Map<String, Integer> lateStreak = new java.util.HashMap<>();

  /** Streams this worker has made rungs for: the first job of each is logged (bounded). */
  private final Set<String> streamsServed = new HashSet<>();

  /** Init objects this worker has archived already (bounded: cleared when large). */
  private final Set<String> initsArchived = new HashSet<>();

  LiveRungWorker(Vertx vertx, Redis client, ObjectStore store, Path workDir, Settings settings) {
    this.vertx = vertx;
    this.client = client;
    this.redis = RedisAPI.api(client);
    this.store = store;
    this.workDir = workDir;
    this.settings = settings;
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      registry = new SimpleMeterRegistry();
    }
    skipped =
        Counter.builder("reelay_live_rung_jobs_skipped")
            .description("live transcode jobs skipped as older than the live window")
            .register(registry);
    dropped =
        Counter.builder("reelay_live_rungs_dropped")
            .description("live rungs dropped because the transcode workers fell behind")
            .register(registry);
    done =
        Counter.builder("reelay_live_rung_jobs_done")
            .description("live transcode jobs completed")
            .register(registry);
  }

  Future<?> handle(JsonObject job) {
    String streamId = job.getString("streamId");
    long msn = job.getLong("msn");
    int gen = job.getInteger("gen", 0);
    long finishedAt = job.getLong("finishedAt", 0L);
    long age = System.currentTimeMillis() - finishedAt;
    if (streamId == null || age > settings.maxAgeMs()) {
      skipped.increment();
      LOG.info("live job {}/{} skipped: {} ms old", streamId, msn, age);
      return Future.succeededFuture();
    }
    return redis
        .smembers(LiveRungs.droppedKey(streamId))
        .compose(
            droppedNow -> {
              Set<String> off = new HashSet<>();
              if (droppedNow != null) {
                droppedNow.forEach(r -> off.add(r.toString()));
              }
              List<LiveRungTranscoder.Rung> rungs =
                  LiveRungTranscoder.LADDER.stream().filter(r -> !off.contains(r.name())).toList();
              return Future.all(
                      awaitBytes(LiveKeys.init(streamId, LiveState.VIDEO, gen), 20),
                      awaitBytes(LiveKeys.segment(streamId, LiveState.VIDEO, msn), 20))
                  .compose(
                      both -> {
                        byte[] init = both.resultAt(0);
                        byte[] seg = both.resultAt(1);
                        if (init == null || seg == null) {
                          skipped.increment();
                          LOG.info("live job {}/{} skipped: source not in Redis", streamId, msn);
                          return Future.succeededFuture();
                        }
                        return vertx
                            .executeBlocking(() -> encode(init, seg, rungs), false)
                            .recover(
                                err -> {
                                  if (!(err instanceof MediaException)) {
                                    return Future.failedFuture(err);
                                  }
                                  // Bad media fails the same way on every worker: retrying only
                                  // delays the next segments. The playlists mark the gap.
                                  skipped.increment();
                                  LOG.warn(
                                      "live job {}/{} skipped (init {} B, segment {} B): {}",
                                      streamId,
                                      msn,
                                      init.length,
                                      seg.length,
                                      err.getMessage());
                                  return Future.succeededFuture(null);
                                })
                            .compose(
                                outputs ->
                                    outputs == null
                                        ? Future.succeededFuture()
                                        : store(streamId, msn, gen, outputs)
                                            .compose(o -> keepUp(streamId, msn, finishedAt, o)));
                      });
            });
  }

  private List<LiveRungTranscoder.Output> encode(
      byte[] init, byte[] seg, List<LiveRungTranscoder.Rung> rungs) throws Exception {
    if (settings.extraDelayMs() > 0) {
      Thread.sleep(settings.extraDelayMs()); // test hook: a deliberately slow worker
    }
    return LiveRungTranscoder.transcode(init, seg, rungs, settings.x264Preset(), workDir);
  }

  /** Polls Redis briefly: the job can arrive before the writer's chained SET has landed. */
  private Future<byte[]> awaitBytes(String key, int attempts) {
    return redis
        .get(key)
        .compose(
            r -> {
              if (r != null) {
                return Future.succeededFuture(r.toBytes());
              }
              if (attempts <= 1) {
                return Future.succeededFuture(null);
              }
              Promise<byte[]> later = Promise.promise();
              vertx.setTimer(100, t -> awaitBytes(key, attempts - 1).onComplete(later));
              return later.future();
            });
  }

  private Future<List<LiveRungTranscoder.Output>> store(
      String streamId, long msn, int gen, List<LiveRungTranscoder.Output> outputs) {
    List<Future<?>> writes = new ArrayList<>();
    for (LiveRungTranscoder.Output o : outputs) {
      LiveRungs.RungSegment entry =
          new LiveRungs.RungSegment(
              msn, gen, o.width(), o.height(), o.codecs(), o.segment().length);
      String index = LiveRungs.indexKey(streamId, o.rung());
      writes.add(
          set(LiveKeys.init(streamId, o.rung(), gen), o.init(), INIT_TTL_MS)
              .compose(
                  v -> set(LiveKeys.segment(streamId, o.rung(), msn), o.segment(), MEDIA_TTL_MS))
              .compose(v -> redis.zadd(List.of(index, Long.toString(msn), entry.toJson().encode())))
              .compose(v -> redis.pexpire(List.of(index, Long.toString(LiveRungs.INDEX_TTL_MS))))
              // The index only needs to reach back over the DVR window.
              .compose(
                  v ->
                      redis.zremrangebyscore(
                          index, "-inf", Long.toString(msn - LiveRungs.INDEX_SEGMENTS)))
              .compose(v -> redis.sadd(List.of(LiveRungs.namesKey(streamId), o.rung())))
              .compose(
                  v ->
                      redis.pexpire(
                          List.of(
                              LiveRungs.namesKey(streamId),
                              Long.toString(LiveRungs.INDEX_TTL_MS)))));
      archive(streamId, o, gen, msn);
    }
    return Future.all(writes)
        .compose(v -> redis.publish(LiveKeys.notifyChannel(streamId), "1"))
        .map(v -> outputs);
  }

  private Future<Response> set(String key, byte[] bytes, long ttlMs) {
    return client.send(
        Request.cmd(Command.SET).arg(key).arg(Buffer.buffer(bytes)).arg("PX").arg(ttlMs));
  }

  /** S3 upload on a worker thread; a failure is logged, the live path does not wait for it. */
  private void archive(String streamId, LiveRungTranscoder.Output o, int gen, long msn) {
    String initKey = LiveKeys.archivedInit(streamId, o.rung(), gen);
    boolean withInit = !initsArchived.contains(initKey);
    if (initsArchived.size() > 1000) {
      initsArchived.clear();
    }
    initsArchived.add(initKey);
    vertx
        .executeBlocking(
            () -> {
              if (withInit) {
                store.putBytesBlocking(initKey, o.init(), "video/mp4");
              }
              store.putBytesBlocking(
                  LiveKeys.archivedSegment(streamId, o.rung(), msn),
                  o.segment(),
                  "video/iso.segment");
              return null;
            },
            false)
        .onFailure(
            err -> {
              initsArchived.remove(initKey);
              LOG.warn(
                  "archiving live rung {}/{}/{} failed: {}",
                  streamId,
                  o.rung(),
                  msn,
                  err.toString());
            });
  }

  /** Drops the most expensive rung of the stream when this job finished too late. */
  private Future<Void> keepUp(
      String streamId, long msn, long finishedAt, List<LiveRungTranscoder.Output> outputs) {
    done.increment();
    long lag = System.currentTimeMillis() - finishedAt;
    if (streamsServed.size() > 1000) {
      streamsServed.clear();
    }
    if (streamsServed.add(streamId)) {
      // Which worker serves which stream is otherwise invisible: Kafka spreads the jobs.
      LOG.info(
          "live {}: first rung job on this worker (msn {}, {} ms after the segment closed)",
          streamId,
          msn,
          lag);
    }
    if (lag <= settings.dropLagMs()) {
      lateStreak.remove(streamId);
      return Future.succeededFuture();
    }
    // One late job (a worker joining the group, a hiccup) is not a trend: drop after a few.
    int late = lateStreak.merge(streamId, 1, Integer::sum);
    if (late < LATE_JOBS_BEFORE_DROP || outputs.size() <= 1) {
      return Future.succeededFuture();
    }
    lateStreak.remove(streamId);
    String victim = outputs.get(0).rung(); // outputs are most expensive first
    return redis
        .sadd(List.of(LiveRungs.droppedKey(streamId), victim))
        .compose(
            added -> {
              if (added != null && added.toInteger() == 1) {
                dropped.increment();
                LOG.warn(
                    "live {}: rung {} dropped, segment {} was ready {} ms after its source",
                    streamId,
                    victim,
                    msn,
                    lag);
              }
              return redis.pexpire(
                  List.of(LiveRungs.droppedKey(streamId), Long.toString(LiveRungs.INDEX_TTL_MS)));
            })
        .mapEmpty();
  }
}
