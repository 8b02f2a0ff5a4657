package io.reelay.hls;

import java.util.Objects;

/**
 * EXT-X-STREAM-INF plus its URI line.
 *
 * @param uri media playlist URI
 * @param bandwidth BANDWIDTH: peak bits per second, including the audio group's peak
 * @param averageBandwidth AVERAGE-BANDWIDTH or null
 * @param codecs CODECS (video and audio codecs), or null
 * @param resolution RESOLUTION or null
 * @param frameRate FRAME-RATE, kept at 3 decimals, or null
 * @param audioGroup AUDIO group id or null
 */
public record Variant(
    String uri,
    long bandwidth,
    Long averageBandwidth,
    String codecs,
    Resolution resolution,
    Double frameRate,
    String audioGroup) {

  public Variant {
    Objects.requireNonNull(uri, "uri");
    if (bandwidth <= 0) {
      throw new IllegalArgumentException("BANDWIDTH must be positive: " + bandwidth);
    }
    if (averageBandwidth != null && averageBandwidth > bandwidth) {
      throw new IllegalArgumentException("AVERAGE-BANDWIDTH above peak BANDWIDTH for " + uri);
    }
    frameRate = frameRate == null ? null : HlsFormat.roundTo3(frameRate);
  }

  public static Builder builder(String uri, long bandwidth) {
    return new Builder(uri, bandwidth);
  }

  /** Builder for the optional attributes. */
  public static final class Builder {
    private final String uri;
    private final long bandwidth;
    private Long averageBandwidth;
    private String codecs;
    private Resolution resolution;
    private Double frameRate;
    private String audioGroup;

    private Builder(String uri, long bandwidth) {
      this.uri = uri;
      this.bandwidth = bandwidth;
    }

    public Builder averageBandwidth(long value) {
      this.averageBandwidth = value;
      return this;
    }

    public Builder codecs(String value) {
      this.codecs = value;
      return this;
    }

    public Builder resolution(int width, int height) {
      this.resolution = new Resolution(width, height);
      return this;
    }

    public Builder frameRate(double value) {
      this.frameRate = value;
      return this;
    }

    public Builder audioGroup(String value) {
      this.audioGroup = value;
      return this;
    }

    public Variant build() {
      return new Variant(
          uri, bandwidth, averageBandwidth, codecs, resolution, frameRate, audioGroup);
    }
  }
}
