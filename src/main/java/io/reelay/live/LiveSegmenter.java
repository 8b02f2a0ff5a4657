package io.reelay.live;

import io.reelay.cmaf.Fragment;
import io.reelay.cmaf.InitSegment;
import io.reelay.cmaf.MediaSegment;
import io.reelay.cmaf.Sample;
import io.reelay.cmaf.TrackInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Cuts a live feed's H.264 and AAC access units (as they arrive over RTMP: millisecond timestamps,
 * AVCC video, raw AAC) into CMAF init segments, LL-HLS parts and segments, without re-encoding.
 * Pure and single-threaded: the caller feeds it from one context and receives the results through
 * {@link Output}.
 *
 * <p>Video decides the boundaries: a segment ends at the first keyframe at least the target
 * duration after its start (a longer GOP gives a longer segment, honestly), a part ends before it
 * would exceed the part target. Audio is cut at the same instants, so segment {@code n} and part
 * {@code n.i} cover the same time in every rendition. Each sample is held until the next one
 * arrives, because only then is its duration known.
 */
public final class LiveSegmenter {
  /** The two demuxed renditions of a live source. */
  public enum Track {
    VIDEO,
    AUDIO
  }

  /** What the segmenter produces; called synchronously from the feeding thread. */
  public interface Output {
    void init(Track track, TrackInfo info, byte[] bytes);

    void part(Track track, PartInfo part, byte[] bytes);

    void segment(Track track, SegmentInfo segment, byte[] bytes);
  }

  /** Part {@code index} of segment {@code msn}. Times in seconds from the stream's start. */
  public record PartInfo(long msn, int index, double start, double duration, boolean independent) {}

  /** Segment {@code msn}: its start and duration in seconds and its number of parts. */
  public record SegmentInfo(long msn, double start, double duration, int parts) {}

  /** A boundary video has cut, for audio to cut at the same instant. */
  private record Boundary(long ms, boolean segmentEnd) {}

  static final int VIDEO_TRACK_ID = 1;
  static final int AUDIO_TRACK_ID = 2;
  private static final int AAC_FRAME = 1024;

  /**
   * RTMP timestamps are whole milliseconds, so 30 fps frames last 33 or 34 ms. A part is cut when
   * the next frame would take it past the part target; estimating that frame from a 34 ms
   * predecessor would cut every first part one frame early and leave a one-frame part at the end of
   * each segment (an extra request per segment for every viewer). Parts may exceed the target by
   * this much; the advertised PART-TARGET has a larger margin.
   */
  private static final long TIMESTAMP_SLACK_MS = 1;

  /**
   * Audio parts end where video's do, so they overhang the part target by up to an AAC frame; the
   * advertised PART-TARGET allows 50 ms. Audio that runs ahead of video's cuts (at the stream's
   * end, or in a feed whose audio leads by more than a part) is cut at this bound.
   */
  private static final long AUDIO_OVERHANG_MS = 48;

  private final Output output;
  private final long segmentTargetMs;
  private final long partTargetMs;
  private final boolean hasVideo;
  private final boolean hasAudio;
  private final long firstMsn;

  private long baseMs = Long.MIN_VALUE;
  private TrackInfo videoInfo;
  private TrackInfo audioInfo;
  private final Cutter video;
  private final Cutter audio;
  private final Deque<Boundary> boundaries = new ArrayDeque<>();
  private int repairedTimestamps;

  /**
   * @param firstMsn media sequence number of the first segment (continues after a reconnect)
   * @param hasVideo, hasAudio which tracks the feed announced (RTMP metadata); an audio-only feed
   *     cuts audio by duration
   */
  public LiveSegmenter(
      Output output,
      long segmentTargetMs,
      long partTargetMs,
      long firstMsn,
      boolean hasVideo,
      boolean hasAudio) {
    if (partTargetMs <= 0 || segmentTargetMs < partTargetMs) {
      throw new IllegalArgumentException("need 0 < part target <= segment target");
    }
    this.output = output;
    this.segmentTargetMs = segmentTargetMs;
    this.partTargetMs = partTargetMs;
    this.hasVideo = hasVideo;
    this.hasAudio = hasAudio;
    this.firstMsn = firstMsn;
    this.video = new Cutter(Track.VIDEO);
    this.audio = new Cutter(Track.AUDIO);
  }

  /** The AVC sequence header arrived: (re)announce the video init segment. */
  public void videoConfig(byte[] avcC, int width, int height) {
    TrackInfo info = TrackInfo.h264(VIDEO_TRACK_ID, width, height, avcC);
    if (!info.equals(videoInfo)) {
      videoInfo = info;
      output.init(Track.VIDEO, info, new InitSegment(info).toBytes());
    }
  }

  /** The AAC sequence header arrived: (re)announce the audio init segment. */
  public void audioConfig(byte[] audioSpecificConfig, int sampleRate, int channels) {
    TrackInfo info = TrackInfo.aac(AUDIO_TRACK_ID, sampleRate, channels, audioSpecificConfig);
    if (!info.equals(audioInfo)) {
      audioInfo = info;
      output.init(Track.AUDIO, info, new InitSegment(info).toBytes());
    }
  }

  /**
   * One video access unit. Frames before the sequence header or before the first keyframe are
   * dropped (a decoder could not use them); returns whether the frame was taken.
   */
  public boolean video(long dtsMs, int ctsMs, boolean keyframe, byte[] avcc) {
    if (videoInfo == null || (baseMs == Long.MIN_VALUE && !keyframe)) {
      return false;
    }
    if (baseMs == Long.MIN_VALUE) {
      baseMs = dtsMs;
    }
    long ms = dtsMs - baseMs;
    if (ms < 0) {
      return false;
    }
    video.add(ms, ms * 90, Math.max(0, ctsMs) * 90, keyframe, avcc);
    return true;
  }

  /** One raw AAC frame; dropped before the audio config or before video has started. */
  public boolean audio(long dtsMs, byte[] aac) {
    if (audioInfo == null) {
      return false;
    }
    if (baseMs == Long.MIN_VALUE) {
      if (hasVideo) {
        return false; // video decides where the stream starts
      }
      baseMs = dtsMs;
    }
    long ms = dtsMs - baseMs;
    if (ms < 0) {
      return false;
    }
    long rate = audioInfo.timescale();
    long measured = ms * rate / 1000;
    long ticks = measured;
    Sample held = audio.held;
    if (held != null) {
      long expected = held.decodeTime() + AAC_FRAME;
      // Millisecond timestamps jitter by up to a tick; a real gap is at least half a frame.
      if (Math.abs(measured - expected) < AAC_FRAME / 2) {
        ticks = expected;
      }
    }
    audio.add(ms, ticks, 0, true, aac);
    return true;
  }

  /** The publisher stopped: emit what is held as a last, possibly short, part and segment. */
  public void finish() {
    video.finish();
    audio.finish();
  }

  public int repairedTimestamps() {
    return repairedTimestamps;
  }

  /**
   * Video cuts audio has not reached yet. Grows without bound when a feed announced audio but sends
   * none (or lags far behind video): the caller must refuse such a feed above a limit.
   */
  public int pendingAudioCuts() {
    return boundaries.size();
  }

  /** Per-track state: the held sample, the part being filled and the segment's closed parts. */
  private final class Cutter {
    private final Track track;
    private Sample held;
    private long heldMs;
    private long lastDuration;
    private final List<Sample> part = new ArrayList<>();
    private long partStartMs = -1;
    private final List<Fragment> parts = new ArrayList<>();
    private long segmentStartMs = -1;
    private long msn;
    private long sequence = 1;

    Cutter(Track track) {
      this.track = track;
      this.msn = firstMsn;
    }

    private int trackId() {
      return track == Track.VIDEO ? VIDEO_TRACK_ID : AUDIO_TRACK_ID;
    }

    private int timescale() {
      return track == Track.VIDEO ? TrackInfo.VIDEO_TIMESCALE : audioInfo.timescale();
    }

    void add(long ms, long ticks, long ctsTicks, boolean sync, byte[] data) {
      if (held != null) {
        if (ticks <= held.decodeTime()) {
          // Timestamps went backwards or repeated: keep decode order monotonic.
          repairedTimestamps++;
          ticks = held.decodeTime() + 1;
        }
        long duration = ticks - held.decodeTime();
        release(
            new Sample(
                held.decodeTime(),
                (int) duration,
                held.compositionOffset(),
                held.sync(),
                held.data()),
            heldMs);
        lastDuration = duration;
        if (track == Track.VIDEO
            && sync
            && segmentStartMs >= 0
            && ms - segmentStartMs >= segmentTargetMs) {
          closePart(ms, true);
        }
        cutAheadOf(ms);
      }
      held = new Sample(ticks, 1, (int) ctsTicks, sync, data);
      heldMs = ms;
    }

    /**
     * A sample starting at {@code ms} just arrived, so the part before it is complete: cut now
     * rather than when this sample is released (one frame later), estimating its duration as the
     * last sample's. {@link #release} still cuts whatever the estimate misses.
     */
    private void cutAheadOf(long ms) {
      cutBefore(ms, lastDuration * 1000L / timescale());
    }

    /**
     * Closes what must end before a sample starting at {@code ms} and lasting {@code durationMs}:
     * for audio beside video, every boundary video has cut up to there; otherwise a part the sample
     * would take past the part target.
     */
    private void cutBefore(long ms, long durationMs) {
      if (track == Track.AUDIO && hasVideo) {
        while (!boundaries.isEmpty() && ms >= boundaries.peekFirst().ms()) {
          Boundary b = boundaries.pollFirst();
          if (!part.isEmpty()) {
            closePart(ms, b.segmentEnd());
          } else if (b.segmentEnd() && !parts.isEmpty()) {
            closeSegment(ms);
          }
        }
        if (wouldPassTarget(ms, durationMs, AUDIO_OVERHANG_MS)) {
          closePart(ms, false);
        }
      } else if (wouldPassTarget(ms, durationMs, TIMESTAMP_SLACK_MS)) {
        boolean segmentFull = track == Track.AUDIO && ms - segmentStartMs >= segmentTargetMs;
        closePart(ms, segmentFull);
      }
    }

    /** Whether a sample at {@code ms} would take the current part past the target + slack. */
    private boolean wouldPassTarget(long ms, long durationMs, long slackMs) {
      return !part.isEmpty() && ms + durationMs - partStartMs > partTargetMs + slackMs;
    }

    /** Places a sample whose duration is now known into the current part. */
    private void release(Sample s, long ms) {
      cutBefore(ms, s.duration() * 1000L / timescale());
      if (part.isEmpty()) {
        partStartMs = ms;
        if (parts.isEmpty()) {
          segmentStartMs = ms;
        }
      }
      part.add(s);
    }

    private void closePart(long endMs, boolean segmentEnd) {
      closePart(endMs, segmentEnd, true);
    }

    private void closePart(long endMs, boolean segmentEnd, boolean announce) {
      if (part.isEmpty()) {
        return;
      }
      Fragment fragment = new Fragment(trackId(), sequence++, List.copyOf(part));
      part.clear();
      double start = (double) fragment.baseDecodeTime() / timescale();
      double duration = (double) fragment.duration() / timescale();
      output.part(
          track,
          new PartInfo(msn, parts.size(), start, duration, fragment.independent()),
          fragment.toBytes());
      parts.add(fragment);
      if (track == Track.VIDEO && hasAudio && announce) {
        boundaries.addLast(new Boundary(endMs, segmentEnd));
      }
      if (segmentEnd) {
        closeSegment(endMs);
      }
    }

    private void closeSegment(long endMs) {
      if (parts.isEmpty()) {
        return;
      }
      MediaSegment segment = new MediaSegment(List.copyOf(parts));
      double start = (double) segment.baseDecodeTime() / timescale();
      double duration = (double) segment.duration() / timescale();
      output.segment(track, new SegmentInfo(msn, start, duration, parts.size()), segment.toBytes());
      parts.clear();
      msn++;
    }

    void finish() {
      if (held != null) {
        long duration = lastDuration > 0 ? lastDuration : (track == Track.VIDEO ? 3000 : AAC_FRAME);
        release(
            new Sample(
                held.decodeTime(),
                (int) duration,
                held.compositionOffset(),
                held.sync(),
                held.data()),
            heldMs);
        held = null;
      }
      // The stream's last cut needs no boundary: audio simply ends its own last segment too.
      closePart(heldMs, true, false);
      closeSegment(heldMs);
    }
  }
}
