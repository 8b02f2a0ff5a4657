package io.reelay.hls;

/**
 * A byte range {@code length[@offset]}. A null offset means "right after the previous range of the
 * same resource", as the HLS spec allows for EXT-X-BYTERANGE.
 */
public record ByteRange(long length, Long offset) {

  public ByteRange {
    if (length < 0 || (offset != null && offset < 0)) {
      throw new IllegalArgumentException("negative byte range: " + length + "@" + offset);
    }
  }

  public static ByteRange of(long length, long offset) {
    return new ByteRange(length, offset);
  }

  static ByteRange parse(String text) {
    int at = text.indexOf('@');
    if (at < 0) {
      return new ByteRange(Long.parseLong(text.trim()), null);
    }
    return new ByteRange(
        Long.parseLong(text.substring(0, at).trim()),
        Long.parseLong(text.substring(at + 1).trim()));
  }

  @Override
  public String toString() {
    return offset == null ? Long.toString(length) : length + "@" + offset;
  }
}
