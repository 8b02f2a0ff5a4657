package io.reelay.hls;

import java.util.Objects;

/** EXT-X-PART: a partial segment for LL-HLS. */
public record Part(
    String uri, double duration, boolean independent, boolean gap, ByteRange byteRange) {

  public Part {
    Objects.requireNonNull(uri, "uri");
    if (!(duration > 0)) {
      throw new IllegalArgumentException("part duration must be positive: " + duration);
    }
  }

  public static Part of(String uri, double duration, boolean independent) {
    return new Part(uri, duration, independent, false, null);
  }

  public Part withGap() {
    return new Part(uri, duration, independent, true, byteRange);
  }

  public Part withByteRange(ByteRange range) {
    return new Part(uri, duration, independent, gap, range);
  }
}
