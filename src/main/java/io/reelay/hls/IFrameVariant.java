package io.reelay.hls;

import java.util.Objects;

/** EXT-X-I-FRAME-STREAM-INF: the I-frame-only playlist of one ladder rung (for trick play). */
public record IFrameVariant(
    String uri, long bandwidth, Long averageBandwidth, String codecs, Resolution resolution) {

  public IFrameVariant {
    Objects.requireNonNull(uri, "uri");
    if (bandwidth <= 0) {
      throw new IllegalArgumentException("BANDWIDTH must be positive: " + bandwidth);
    }
  }
}
