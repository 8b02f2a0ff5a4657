package io.reelay.transcode.media;

/**
 * What {@link MediaProbe} learned about a source. {@code video} or {@code audio} is null when the
 * source has no such stream.
 */
public record MediaInfo(
    String format, double durationSeconds, long bitRate, Video video, Audio audio) {

  public boolean hasVideo() {
    return video != null;
  }

  public boolean hasAudio() {
    return audio != null;
  }

  /**
   * @param width coded (storage) width
   * @param height coded (storage) height
   * @param sampleAspect SAR; 1/1 for square pixels
   * @param rotation clockwise degrees (0/90/180/270) to apply for display
   * @param displayWidth width as shown: SAR and rotation applied
   * @param displayHeight height as shown: SAR and rotation applied
   * @param frameRate average frame rate
   * @param baseFrameRate the stream's base (r_frame_rate) timing: the finest rate it uses
   * @param variableFrameRate a guess: average and base frame rates disagree
   */
  public record Video(
      String codec,
      String pixelFormat,
      int width,
      int height,
      Rational sampleAspect,
      int rotation,
      int displayWidth,
      int displayHeight,
      Rational frameRate,
      Rational baseFrameRate,
      boolean variableFrameRate) {}

  /**
   * @param profile codec profile name, e.g. "LC" for AAC-LC, or null when unknown
   */
  public record Audio(
      String codec, String profile, int sampleRate, int channels, String channelLayout) {}
}
