package io.reelay.hls;

import java.util.Objects;

/**
 * EXT-X-PRELOAD-HINT: the resource the client may request before it exists (the server blocks until
 * it is ready). Byte range fields are optional.
 */
public record PreloadHint(Type type, String uri, Long byteRangeStart, Long byteRangeLength) {

  public enum Type {
    PART,
    MAP
  }

  public PreloadHint {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(uri, "uri");
  }

  public static PreloadHint part(String uri) {
    return new PreloadHint(Type.PART, uri, null, null);
  }
}
