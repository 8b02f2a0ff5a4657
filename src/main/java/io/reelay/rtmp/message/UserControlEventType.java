package io.reelay.rtmp.message;

/** User Control message event types (RTMP spec 7.1.7). */
public enum UserControlEventType {
  STREAM_BEGIN(0),
  STREAM_EOF(1),
  STREAM_DRY(2),
  SET_BUFFER_LENGTH(3),
  STREAM_IS_RECORDED(4),
  PING_REQUEST(6),
  PING_RESPONSE(7),
  /** Flash Player SWF verification request; we never issue it. */
  SWF_VERIFY_REQUEST(26),
  SWF_VERIFY_RESPONSE(27),
  BUFFER_EMPTY(31),
  BUFFER_READY(32);

  public final int value;

  UserControlEventType(int value) {
    this.value = value;
  }

  /** Returns the type, or null if unknown (unknown events are ignored, not fatal). */
  public static UserControlEventType of(int value) {
    for (UserControlEventType t : values()) {
      if (t.value == value) {
        return t;
      }
    }
    return null;
  }
}
