package io.reelay.transcode.media;

import java.util.List;

/**
 * Inputs to {@link LadderPlanner}.
 *
 * @param rungs candidate rungs, highest first; rungs taller than the source are skipped
 * @param maxFrameRate output frame rate cap (integer fps; 59.94 passes a cap of 60)
 * @param x264Preset libx264 speed preset; "veryfast" or faster keeps tests cheap
 * @param profile H.264 profile ("high" or "main")
 * @param audioBitrate AAC bit rate in bit/s
 * @param allowAudioCopy copy the source audio when it already is AAC-LC stereo or mono
 */
public record LadderConfig(
    List<RungSpec> rungs,
    int maxFrameRate,
    String x264Preset,
    String profile,
    int audioBitrate,
    boolean allowAudioCopy) {

  /**
   * One candidate rung; {@code height} is the short side, so portrait rungs are {@code height}
   * wide.
   */
  public record RungSpec(String name, int height, int bitrateKbps) {}

  /**
   * Average bit rates follow Apple's HLS Authoring Specification (H.264 ladder: 1920x1080 6000k,
   * 1280x720 3000k, 768x432 730k / 640x360 365k); 480p has no Apple row, so it sits between 432p
   * and 540p at 1200k, and 360p uses the 730k row to keep the bottom rung watchable.
   */
  public static final List<RungSpec> DEFAULT_RUNGS =
      List.of(
          new RungSpec("1080p", 1080, 6000),
          new RungSpec("720p", 720, 3000),
          new RungSpec("480p", 480, 1200),
          new RungSpec("360p", 360, 730));

  public LadderConfig {
    rungs = List.copyOf(rungs);
    if (rungs.isEmpty()) {
      throw new IllegalArgumentException("at least one rung is needed");
    }
  }

  public static LadderConfig defaults() {
    return new LadderConfig(DEFAULT_RUNGS, 60, "veryfast", "high", 128_000, true);
  }

  public LadderConfig withPreset(String preset) {
    return new LadderConfig(rungs, maxFrameRate, preset, profile, audioBitrate, allowAudioCopy);
  }

  public LadderConfig withRungs(List<RungSpec> newRungs) {
    return new LadderConfig(
        newRungs, maxFrameRate, x264Preset, profile, audioBitrate, allowAudioCopy);
  }

  public LadderConfig withAudioCopy(boolean allow) {
    return new LadderConfig(rungs, maxFrameRate, x264Preset, profile, audioBitrate, allow);
  }
}
