package io.reelay.flv;

/** FLV video tag frame type (upper nibble of the first byte, 3 bits in enhanced RTMP). */
public enum VideoFrameType {
  KEY(1),
  INTER(2),
  DISPOSABLE_INTER(3),
  GENERATED_KEY(4),
  COMMAND(5),
  UNKNOWN(-1);

  public final int value;

  VideoFrameType(int value) {
    this.value = value;
  }

  public static VideoFrameType of(int value) {
    for (VideoFrameType t : values()) {
      if (t.value == value) {
        return t;
      }
    }
    return UNKNOWN;
  }
}
