package io.reelay.live;

import io.reelay.cmaf.TrackInfo;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one live stream's window into Redis as the segmenter produces it: each part and segment
 * under its own key with a TTL (Redis holds the last seconds of every rendition, nothing more),
 * then the playlist state that names them, then a notification for blocked playlist requests.
 * Writes are chained so the state never names bytes that are not stored yet.
 *
 * <p>Runs on the ingest connection's event loop; the single writer of its stream's state.
 */
public final class LiveWindowWriter implements LiveSegmenter.Output {
  private static final Logger LOG = LoggerFactory.getLogger(LiveWindowWriter.class);

  /** How long the window lives in Redis and how much of it the playlist lists. */
  public record Settings(
      long mediaTtlMs, int windowSegments, int segmentsWithParts, int maxQueued) {
    public static final Settings DEFAULT = new Settings(30_000, 6, 3, 256);
  }

  /** A finished segment for the S3 archive (off the latency path). */
  public record ArchivedSegment(
      String streamId,
      String rendition,
      long msn,
      double duration,
      int initGeneration,
      byte[] init,
      byte[] bytes) {}

  private final Redis redis;
  private final String streamId;
  private final Settings settings;
  private final Consumer<ArchivedSegment> archive;
  private final long startedAtMs;
  private final double segmentTarget;
  private final double partTarget;
  private long sessionStartMs;
  private long discontinuitySequence;
  private boolean ended;
  private final Map<String, Track> tracks = new LinkedHashMap<>();
  private Future<Void> tail = Future.succeededFuture();
  private int queued;
  private long droppedWrites;

  /** Mutable per-rendition state owned by this writer. */
  private static final class Track {
    String name;
    boolean video;
    String codecs;
    int width;
    int height;
    double frameRate;
    int sampleRate;
    int channels;
    long avgBandwidth;
    int initGeneration = -1;
    byte[] init;
    long nextMsn;
    boolean discontinuityNext;
    boolean mapChangeNext;
    final List<LiveState.SegmentEntry> segments = new ArrayList<>();
    final List<LiveState.PartEntry> pending = new ArrayList<>();
  }

  /**
   * @param previous the stream's state from an earlier session (a reconnect within the grace
   *     period), or null for a new stream: numbering continues and the next segments are marked as
   *     a discontinuity
   * @param sessionStartMs wall clock of media time 0 of this session
   */
  public LiveWindowWriter(
      Redis redis,
      String streamId,
      double segmentTarget,
      double partTarget,
      LiveState previous,
      long sessionStartMs,
      Settings settings,
      Consumer<ArchivedSegment> archive) {
    this.redis = redis;
    this.streamId = streamId;
    this.segmentTarget = segmentTarget;
    this.partTarget = partTarget;
    this.settings = settings;
    this.archive = archive;
    this.sessionStartMs = sessionStartMs;
    if (previous == null) {
      this.startedAtMs = sessionStartMs;
    } else {
      this.startedAtMs = previous.startedAtMs();
      this.discontinuitySequence = previous.discontinuitySequence();
      long next =
          previous.renditions().values().stream().mapToLong(r -> r.nextMsn()).max().orElse(0);
      for (LiveState.Rendition r : previous.renditions().values()) {
        Track t = new Track();
        t.name = r.name();
        t.video = r.video();
        t.codecs = r.codecs();
        t.width = r.width();
        t.height = r.height();
        t.frameRate = r.frameRate();
        t.sampleRate = r.sampleRate();
        t.channels = r.channels();
        t.avgBandwidth = r.averageBandwidth();
        t.initGeneration = r.initGeneration();
        t.nextMsn = next;
        t.discontinuityNext = true;
        t.segments.addAll(r.segments());
        tracks.put(t.name, t);
      }
    }
  }

  /** The media sequence number the next segmenter session must start at. */
  public long nextMsn() {
    return tracks.values().stream().mapToLong(t -> t.nextMsn).max().orElse(0);
  }

  public void setSessionStart(long wallMs) {
    this.sessionStartMs = wallMs;
  }

  public long droppedWrites() {
    return droppedWrites;
  }

  /** Redis writes handed over and not finished yet; the ingest pauses its socket above a bound. */
  public int queued() {
    return queued;
  }

  /** The source's frame rate as measured by the ingest, for the master playlist. */
  public void setFrameRate(double fps) {
    Track t = tracks.get(LiveState.VIDEO);
    if (t != null) {
      t.frameRate = fps;
    }
  }

  private Track track(LiveSegmenter.Track t) {
    String name = t == LiveSegmenter.Track.VIDEO ? LiveState.VIDEO : LiveState.AUDIO;
    return tracks.computeIfAbsent(
        name,
        n -> {
          Track track = new Track();
          track.name = n;
          track.video = t == LiveSegmenter.Track.VIDEO;
          track.nextMsn = nextMsn();
          return track;
        });
  }

  @Override
  public void init(LiveSegmenter.Track which, TrackInfo info, byte[] bytes) {
    Track t = track(which);
    if (t.init != null && Arrays.equals(t.init, bytes)) {
      return;
    }
    t.initGeneration++;
    t.init = bytes;
    t.codecs = info.codecs();
    t.width = info.width();
    t.height = info.height();
    t.sampleRate = info.sampleRate();
    t.channels = info.channels();
    // Segments before this one keep their init; the playlist switches with an EXT-X-MAP.
    t.mapChangeNext = !t.segments.isEmpty();
    String key = LiveKeys.init(streamId, t.name, t.initGeneration);
    enqueue(false, set(key, bytes, 6 * 3600_000L));
  }

  @Override
  public void part(LiveSegmenter.Track which, LiveSegmenter.PartInfo part, byte[] bytes) {
    Track t = track(which);
    t.pending.add(new LiveState.PartEntry(part.duration(), part.independent()));
    String key = LiveKeys.part(streamId, t.name, part.msn(), part.index());
    enqueue(true, set(key, bytes, settings.mediaTtlMs()));
  }

  @Override
  public void segment(LiveSegmenter.Track which, LiveSegmenter.SegmentInfo info, byte[] bytes) {
    Track t = track(which);
    if (which == LiveSegmenter.Track.VIDEO && info.duration() > 0) {
      long bps = Math.round(bytes.length * 8 / info.duration());
      t.avgBandwidth = t.avgBandwidth == 0 ? bps : (t.avgBandwidth * 3 + bps) / 4;
    } else if (info.duration() > 0) {
      t.avgBandwidth = Math.round(bytes.length * 8 / info.duration());
    }
    LiveState.SegmentEntry entry =
        new LiveState.SegmentEntry(
            info.msn(),
            info.start(),
            info.duration(),
            sessionStartMs + Math.round(info.start() * 1000),
            t.discontinuityNext,
            t.initGeneration,
            List.copyOf(t.pending));
    t.discontinuityNext = false;
    t.mapChangeNext = false;
    t.pending.clear();
    t.segments.add(entry);
    t.nextMsn = info.msn() + 1;
    trim(t);
    String key = LiveKeys.segment(streamId, t.name, info.msn());
    enqueue(false, set(key, bytes, settings.mediaTtlMs()));
    if (archive != null) {
      archive.accept(
          new ArchivedSegment(
              streamId, t.name, info.msn(), info.duration(), t.initGeneration, t.init, bytes));
    }
  }

  /** Keeps the listed window short and the parts only for the last few segments. */
  private void trim(Track t) {
    while (t.segments.size() > settings.windowSegments()) {
      LiveState.SegmentEntry dropped = t.segments.remove(0);
      if (dropped.discontinuity() && t.video == tracks.values().iterator().next().video) {
        // Counted once per stream, on the first rendition, so every playlist agrees.
        discontinuitySequence++;
      }
    }
    int keepParts = Math.max(0, t.segments.size() - settings.segmentsWithParts());
    for (int i = 0; i < keepParts; i++) {
      LiveState.SegmentEntry s = t.segments.get(i);
      if (!s.parts().isEmpty()) {
        t.segments.set(
            i,
            new LiveState.SegmentEntry(
                s.msn(),
                s.start(),
                s.duration(),
                s.pdtMs(),
                s.discontinuity(),
                s.initGeneration(),
                List.of()));
      }
    }
  }

  /** The publisher is gone for good: the playlists end. */
  public Future<Void> end() {
    ended = true;
    tracks.values().forEach(t -> t.pending.clear());
    enqueue(false, Future.succeededFuture());
    return tail.compose(
        v ->
            redis
                .send(Request.cmd(Command.PEXPIRE).arg(LiveKeys.state(streamId)).arg(3600_000L))
                .mapEmpty());
  }

  public LiveState snapshot() {
    Map<String, LiveState.Rendition> rs = new LinkedHashMap<>();
    long peakAudio = 0;
    for (Track t : tracks.values()) {
      if (!t.video) {
        peakAudio = Math.max(peakAudio, t.avgBandwidth);
      }
    }
    for (Track t : tracks.values()) {
      long peak = t.avgBandwidth + (t.video ? peakAudio : 0);
      rs.put(
          t.name,
          new LiveState.Rendition(
              t.name,
              t.video,
              t.codecs,
              t.width,
              t.height,
              t.frameRate,
              t.sampleRate,
              t.channels,
              t.avgBandwidth,
              peak,
              Math.max(0, t.initGeneration),
              t.nextMsn,
              List.copyOf(t.segments),
              List.copyOf(t.pending)));
    }
    return new LiveState(
        streamId,
        startedAtMs,
        segmentTarget,
        partTarget,
        ended,
        discontinuitySequence,
        java.util.Collections.unmodifiableMap(rs));
  }

  private Future<Void> set(String key, byte[] bytes, long ttlMs) {
    return redis
        .send(Request.cmd(Command.SET).arg(key).arg(Buffer.buffer(bytes)).arg("PX").arg(ttlMs))
        .mapEmpty();
  }

  /**
   * Chains a media write, then the state that names it, then the notification. When Redis falls
   * behind, parts (which only lower latency) are dropped rather than queued without bound.
   */
  private void enqueue(boolean droppable, Future<Void> mediaWrite) {
    if (droppable && queued >= settings.maxQueued()) {
      droppedWrites++;
      return;
    }
    queued++;
    String state = snapshot().toJson().encode();
    tail =
        tail.transform(ignored -> mediaWrite)
            .compose(
                v -> redis.send(Request.cmd(Command.SET).arg(LiveKeys.state(streamId)).arg(state)))
            .compose(
                v ->
                    redis.send(
                        Request.cmd(Command.PUBLISH)
                            .arg(LiveKeys.notifyChannel(streamId))
                            .arg("1")))
            .<Void>mapEmpty()
            .onFailure(
                err -> LOG.warn("live window write for {} failed: {}", streamId, err.toString()))
            .transform(
                ar -> {
                  queued--;
                  return Future.succeededFuture();
                });
  }

  /** Completes when everything handed over so far is in Redis. */
  public Future<Void> flushed() {
    return tail;
  }
}
