package io.reelay.transcode.media;

import java.util.List;

/**
 * The planned renditions of one source.
 *
 * @param rungs video rungs, highest first; empty for audio-only sources
 * @param frameRate constant output frame rate of every rung
 * @param rotation clockwise degrees applied to the decoded picture before scaling
 * @param audio the audio rendition, or null when the source has no audio
 */
public record Ladder(
    List<Rung> rungs, Rational frameRate, int rotation, String x264Preset, Audio audio) {

  public Ladder {
    rungs = List.copyOf(rungs);
  }

  /** Bit rates in bit/s; {@code maxBitrate}/{@code bufferSize} drive the x264 VBV. */
  public record Rung(
      String name,
      int width,
      int height,
      int bitrate,
      int maxBitrate,
      int bufferSize,
      String profile) {}

  /**
   * @param copy true: remux the source AAC-LC as is; false: encode AAC-LC
   */
  public record Audio(String codec, int bitrate, int channels, int sampleRate, boolean copy) {}
}
