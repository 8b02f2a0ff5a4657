package io.reelay.cmaf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Describes the single track of a CMAF file (video and audio are always separate renditions).
 *
 * @param kind codec kind
 * @param trackId ISO BMFF track_ID, at least 1
 * @param timescale ticks per second for all sample times of this track
 * @param width video width in pixels (0 for audio)
 * @param height video height in pixels (0 for audio)
 * @param sampleRate audio sample rate in Hz (0 for video)
 * @param channels audio channel count (0 for video)
 * @param codecConfig AVCDecoderConfigurationRecord (H.264) or AudioSpecificConfig (AAC), as carried
 *     in the FLV sequence header; copied on the way in and out
 */
public record TrackInfo(
    Kind kind,
    int trackId,
    int timescale,
    int width,
    int height,
    int sampleRate,
    int channels,
    byte[] codecConfig) {

  /** Codec families this writer can package without re-encoding. */
  public enum Kind {
    H264,
    AAC
  }

  /** Video timescale recommended for H.264; divides evenly by all common frame rates. */
  public static final int VIDEO_TIMESCALE = 90_000;

  public TrackInfo {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(codecConfig, "codecConfig");
    if (trackId < 1) {
      throw new IllegalArgumentException("trackId must be >= 1: " + trackId);
    }
    if (timescale < 1) {
      throw new IllegalArgumentException("timescale must be >= 1: " + timescale);
    }
    codecConfig = codecConfig.clone();
    switch (kind) {
      case H264 -> {
        if (width < 1 || width > 0xFFFF || height < 1 || height > 0xFFFF) {
          throw new IllegalArgumentException("bad video size " + width + "x" + height);
        }
        // configurationVersion(1) profile compat level lengthSize numSps ... at least 7 bytes.
        if (codecConfig.length < 7 || codecConfig[0] != 1) {
          throw new IllegalArgumentException("not an AVCDecoderConfigurationRecord");
        }
      }
      case AAC -> {
        if (sampleRate < 1 || channels < 1 || channels > 0xFFFF) {
          throw new IllegalArgumentException("bad audio " + sampleRate + "Hz/" + channels + "ch");
        }
        if (codecConfig.length < 2) {
          throw new IllegalArgumentException("AudioSpecificConfig must be >= 2 bytes");
        }
      }
    }
  }

  /** H.264 track with the 90 kHz timescale. */
  public static TrackInfo h264(int trackId, int width, int height, byte[] avcDecoderConfig) {
    return new TrackInfo(
        Kind.H264, trackId, VIDEO_TIMESCALE, width, height, 0, 0, avcDecoderConfig);
  }

  /** AAC track whose timescale is the sample rate, so each frame lasts exactly 1024 ticks. */
  public static TrackInfo aac(
      int trackId, int sampleRate, int channels, byte[] audioSpecificConfig) {
    return new TrackInfo(
        Kind.AAC, trackId, sampleRate, 0, 0, sampleRate, channels, audioSpecificConfig);
  }

  @Override
  public byte[] codecConfig() {
    return codecConfig.clone();
  }

  /** Package-private zero-copy access for the box writers. */
  byte[] configRef() {
    return codecConfig;
  }

  public boolean isVideo() {
    return kind == Kind.H264;
  }

  /** RFC 6381 codecs string for HLS CODECS / DASH @codecs. */
  public String codecs() {
    return isVideo() ? Codecs.avc1(codecConfig) : Codecs.mp4a(codecConfig);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrackInfo t
        && kind == t.kind
        && trackId == t.trackId
        && timescale == t.timescale
        && width == t.width
        && height == t.height
        && sampleRate == t.sampleRate
        && channels == t.channels
        && Arrays.equals(codecConfig, t.codecConfig);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, trackId, timescale, width, height, sampleRate, channels)
        + 31 * Arrays.hashCode(codecConfig);
  }

  @Override
  public String toString() {
    String params = isVideo() ? width + "x" + height : sampleRate + "Hz/" + channels + "ch";
    return String.format(
        "TrackInfo[%s id=%d ts=%d %s %s]", kind, trackId, timescale, params, codecs());
  }
}
