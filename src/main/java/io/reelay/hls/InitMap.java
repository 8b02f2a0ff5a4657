package io.reelay.hls;

import java.util.Objects;

/** EXT-X-MAP: the CMAF init segment, optionally a byte range of a larger resource. */
public record InitMap(String uri, ByteRange byteRange) {

  public InitMap {
    Objects.requireNonNull(uri, "uri");
    if (byteRange != null && byteRange.offset() == null) {
      // EXT-X-MAP has no "previous range" to continue from.
      throw new IllegalArgumentException("EXT-X-MAP BYTERANGE needs an explicit offset");
    }
  }

  public static InitMap of(String uri) {
    return new InitMap(uri, null);
  }
}
