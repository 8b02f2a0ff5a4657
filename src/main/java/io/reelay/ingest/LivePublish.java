package io.reelay.ingest;

import io.reelay.flv.AudioSpecificConfig;
import io.reelay.flv.AudioTag;
import io.reelay.flv.AvcDecoderConfigurationRecord;
import io.reelay.flv.AvcPacketType;
import io.reelay.flv.VideoTag;
import io.reelay.live.LiveSegmenter;
import io.reelay.live.LiveWindowWriter;
import io.reelay.restream.Restreamer;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.Map;

/**
 * One accepted publish: turns the RTMP media of one connection into segmenter input (AVCC access
 * units with their composition offsets, raw AAC frames) and keeps its statistics. The segmenter is
 * created at the first coded frame, once the metadata or the sequence headers have said which
 * tracks the feed has. Confined to the connection's event loop.
 */
final class LivePublish {
  static final long SEGMENT_TARGET_MS = 2000;

  /**
   * 0.4 s: a whole number of frames at 25, 30, 50 and 60 fps, so video parts between keyframes last
   * at least 85 % of the advertised PART-TARGET (0.4 + the 0.05 audio margin), as rfc8216bis
   * requires of parts that are not independent (audio parts all are). PART-HOLD-BACK is 1.35 s. At
   * 1/3 s (hold-back 1.15 s) 25 and 50 fps parts would last 0.32 s, 83 % of 0.384.
   */
  static final long PART_TARGET_MS = 400;

  /** Without a keyframe for this long a segment cannot close: the feed is refused. */
  static final long MAX_GOP_MS = 20_000;

  /** Video parts audio may lag behind (30 s) before the feed is refused. */
  static final int MAX_PENDING_AUDIO_CUTS = 60;

  final String streamId;
  final long session;
  final String lockToken;
  final LiveWindowWriter writer;
  final IngestStats stats = new IngestStats();

  /** Pushes to downstream RTMP servers, or null when the stream has none configured. */
  Restreamer restreamer;

  private LiveSegmenter segmenter;
  private Boolean metaVideo;
  private Boolean metaAudio;
  private AvcDecoderConfigurationRecord avc;
  private byte[] avcBytes;
  private AudioSpecificConfig asc;
  private byte[] ascBytes;
  private int ascChannels;
  private long mediaDropped;
  private boolean finished;

  LivePublish(String streamId, long session, String lockToken, LiveWindowWriter writer) {
    this.streamId = streamId;
    this.session = session;
    this.lockToken = lockToken;
    this.writer = writer;
  }

  void metadata(Map<String, Object> values) {
    if (segmenter != null) {
      return;
    }
    if (values.containsKey("videocodecid") || values.containsKey("width")) {
      metaVideo = true;
    }
    if (values.containsKey("audiocodecid") || values.containsKey("audiosamplerate")) {
      metaAudio = true;
    }
    if (metaVideo != null && metaAudio == null) {
      metaAudio = false;
    } else if (metaAudio != null && metaVideo == null) {
      metaVideo = false;
    }
  }

  void videoConfig(AvcDecoderConfigurationRecord config) {
    this.avc = config;
  }

  void audioConfig(AudioSpecificConfig config) {
    this.asc = config;
  }

  /**
   * @return an error description when the feed cannot be segmented (keyframes too rare), or null
   */
  String video(long ts, VideoTag tag) {
    if (restreamer != null && tag.avcPacketType() != AvcPacketType.END_OF_SEQUENCE) {
      restreamer.video(ts, tag.body(), tag.isKeyFrame(), tag.isAvcSequenceHeader());
    }
    byte[] data = Arrays.copyOfRange(tag.body(), tag.dataOffset(), tag.body().length);
    stats.media(data.length);
    if (tag.isAvcSequenceHeader()) {
      avcBytes = data;
      if (segmenter != null && avc != null) {
        segmenter.videoConfig(data, avc.width(), avc.height());
      }
      return null;
    }
    if (tag.avcPacketType() == AvcPacketType.END_OF_SEQUENCE || data.length == 0) {
      // ffmpeg ends a stream with an empty "end of sequence" tag: no picture, so no sample (an
      // empty sync sample makes the archived segment unreadable as a file).
      return null;
    }
    stats.videoFrame(ts, tag.isKeyFrame());
    if (stats.sinceKeyframeMs() > MAX_GOP_MS) {
      return "no keyframe for " + MAX_GOP_MS / 1000 + " s; set a keyframe interval of 1-4 s";
    }
    LiveSegmenter seg = segmenter();
    if (!seg.video(ts, tag.compositionTimeMs(), tag.isKeyFrame(), data)) {
      mediaDropped++;
    }
    if (seg.pendingAudioCuts() > MAX_PENDING_AUDIO_CUTS) {
      return "audio announced but more than 30 s behind video (or missing)";
    }
    return null;
  }

  void audio(long ts, AudioTag tag) {
    if (restreamer != null) {
      restreamer.audio(ts, tag.body(), tag.isAacSequenceHeader());
    }
    byte[] data = Arrays.copyOfRange(tag.body(), tag.dataOffset(), tag.body().length);
    stats.media(data.length);
    if (tag.isAacSequenceHeader()) {
      ascBytes = data;
      // Channel configuration 0 (layout in a PCE) says nothing: trust the FLV stereo flag.
      ascChannels = asc != null && asc.channels() > 0 ? asc.channels() : tag.stereo() ? 2 : 1;
      if (segmenter != null && asc != null) {
        segmenter.audioConfig(data, asc.sampleRate(), ascChannels);
      }
      return;
    }
    if (!segmenter().audio(ts, data)) {
      mediaDropped++;
    }
  }

  private LiveSegmenter segmenter() {
    if (segmenter == null) {
      boolean hasVideo = metaVideo != null ? metaVideo : avcBytes != null;
      boolean hasAudio = metaAudio != null ? metaAudio : ascBytes != null;
      segmenter =
          new LiveSegmenter(
              writer, SEGMENT_TARGET_MS, PART_TARGET_MS, writer.nextMsn(), hasVideo, hasAudio);
      writer.setSessionStart(System.currentTimeMillis());
      if (avcBytes != null && avc != null) {
        segmenter.videoConfig(avcBytes, avc.width(), avc.height());
      }
      if (ascBytes != null && asc != null) {
        segmenter.audioConfig(ascBytes, asc.sampleRate(), ascChannels);
      }
    }
    return segmenter;
  }

  /** Frames the segmenter could not use (before the first keyframe, before a config). */
  long mediaDropped() {
    return mediaDropped;
  }

  /** True the first time only: a publish is finished once, by unpublish or disconnect. */
  boolean markFinished() {
    if (finished) {
      return false;
    }
    finished = true;
    return true;
  }

  boolean isFinished() {
    return finished;
  }

  /** Emits what the segmenter holds; completes once it is all in Redis. */
  Future<Void> finish() {
    if (restreamer != null) {
      restreamer.close();
    }
    if (segmenter != null) {
      segmenter.finish();
    }
    return writer.flushed();
  }
}
