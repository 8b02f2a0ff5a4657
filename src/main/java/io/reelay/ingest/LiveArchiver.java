package io.reelay.ingest;

import io.micrometer.core.instrument.Counter;
import io.reelay.live.LiveWindowWriter.ArchivedSegment;
import io.reelay.storage.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies every finished live segment (and each new init segment) to S3, off the latency path: the
 * writer hands segments over on its event loop, uploads run on a small dedicated worker pool, and
 * at most {@code maxQueued} wait; beyond that a segment is dropped, logged and counted rather than
 * buffered without bound. Object keys are deterministic, so a retried upload overwrites. A stream's
 * uploads in flight are counted so its end can wait for them ({@link #drained}).
 */
public final class LiveArchiver {
  private static final Logger LOG = LoggerFactory.getLogger(LiveArchiver.class);

  private final ObjectStore store;
  private final WorkerExecutor workers;
  private final int maxQueued;
  private final Counter archived;
  private final Counter dropped;
  private int queued;
  private java.util.function.Consumer<ArchivedSegment> listener = s -> {};

  /** Uploads in flight per stream, and who waits for that stream's archive to be complete. */
  private final Map<String, Integer> inFlight = new HashMap<>();

  private final Map<String, List<Promise<Void>>> drainWaiters = new HashMap<>();

  /** Init generations already uploaded, per stream and rendition; confined to one event loop. */
  private final Map<String, Integer> initsDone = new HashMap<>();

  LiveArchiver(Vertx vertx, ObjectStore store, int maxQueued, IngestMetrics metrics) {
    this.store = store;
    this.workers = vertx.createSharedWorkerExecutor("reelay-live-archive", 2);
    this.maxQueued = maxQueued;
    this.archived = metrics.archivedSegments();
    this.dropped = metrics.archiveDropped();
  }

  public static String segmentKey(String streamId, String rendition, long msn) {
    return io.reelay.live.LiveKeys.archivedSegment(streamId, rendition, msn);
  }

  public static String initKey(String streamId, String rendition, int generation) {
    return io.reelay.live.LiveKeys.archivedInit(streamId, rendition, generation);
  }

  /** Every finished segment is also handed to {@code listener} (the live transcode jobs). */
  void onSegment(java.util.function.Consumer<ArchivedSegment> listener) {
    this.listener = listener;
  }

  /** {@code {"firstMsn": n}}: the first segment that decodes with init generation {@code gen}. */
  public static String initIndexKey(String streamId, String rendition, int generation) {
    return "live/" + streamId + "/" + rendition + "/init-" + generation + ".json";
  }

  /** Called on the writer's event loop; never blocks. */
  public void accept(ArchivedSegment s) {
    listener.accept(s);
    String initId = s.streamId() + "/" + s.rendition();
    Integer done = initsDone.get(initId);
    if (s.init() != null && (done == null || done != s.initGeneration())) {
      // The index says from which segment on this generation applies (segment files do not):
      // live-to-VOD needs it to put each segment after the right EXT-X-MAP.
      byte[] index =
          new JsonObject().put("firstMsn", s.msn()).encode().getBytes(StandardCharsets.UTF_8);
      if (put(
              s.streamId(),
              initIndexKey(s.streamId(), s.rendition(), s.initGeneration()),
              index,
              "application/json")
          && put(
              s.streamId(),
              initKey(s.streamId(), s.rendition(), s.initGeneration()),
              s.init(),
              "video/mp4")) {
        initsDone.put(initId, s.initGeneration());
      }
    }
    put(
        s.streamId(),
        segmentKey(s.streamId(), s.rendition(), s.msn()),
        s.bytes(),
        "video/iso.segment");
  }

  /**
   * Completes once every upload this archiver accepted for {@code streamId} has finished (stored or
   * given up), so a stream's end is announced only when its archive is complete.
   */
  public Future<Void> drained(String streamId) {
    if (inFlight.getOrDefault(streamId, 0) == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    drainWaiters.computeIfAbsent(streamId, k -> new ArrayList<>()).add(p);
    return p.future();
  }

  /** Forgets a finished stream's bookkeeping. */
  public void forget(String streamId) {
    initsDone.keySet().removeIf(k -> k.startsWith(streamId + "/"));
  }

  private boolean put(String streamId, String key, byte[] bytes, String type) {
    if (queued >= maxQueued) {
      dropped.increment();
      LOG.warn("live archive queue full ({}): dropped {}", maxQueued, key);
      return false;
    }
    queued++;
    inFlight.merge(streamId, 1, Integer::sum);
    Future<Void> upload =
        workers.executeBlocking(
            () -> {
              store.putBytesBlocking(key, bytes, type);
              return null;
            },
            false);
    upload.onComplete(
        ar -> {
          queued--;
          if (inFlight.merge(streamId, -1, Integer::sum) == 0) {
            inFlight.remove(streamId);
            List<Promise<Void>> waiting = drainWaiters.remove(streamId);
            if (waiting != null) {
              waiting.forEach(Promise::complete);
            }
          }
          if (ar.succeeded()) {
            archived.increment();
          } else {
            dropped.increment();
            LOG.warn("live archive upload of {} failed: {}", key, ar.cause().toString());
          }
        });
    return true;
  }

  public int queued() {
    return queued;
  }

  public Future<Void> close() {
    return workers.close();
  }
}
