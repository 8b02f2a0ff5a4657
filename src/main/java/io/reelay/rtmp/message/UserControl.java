package io.reelay.rtmp.message;

import io.reelay.rtmp.RtmpProtocolException;
import io.reelay.rtmp.chunk.RawMessage;

/**
 * User Control message (type 4): a 16-bit event type followed by event data. Most events carry one
 * 32-bit value (a stream id or a ping timestamp); Set Buffer Length carries two.
 *
 * @param eventType known event, or null when {@code rawEventType} is not one we know
 * @param value first 32-bit field (stream id / timestamp), 0 when absent
 * @param extra second field (buffer length in ms for Set Buffer Length), otherwise 0
 */
public record UserControl(
    UserControlEventType eventType, int rawEventType, long value, long extra) {

  public static UserControl of(UserControlEventType type, long value) {
    return new UserControl(type, type.value, value, 0);
  }

  public static UserControl decode(byte[] payload) {
    if (payload.length < 2) {
      throw new RtmpProtocolException("User Control message shorter than 2 bytes");
    }
    int raw = (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
    UserControlEventType type = UserControlEventType.of(raw);
    long value = payload.length >= 6 ? Bytes.u32(payload, 2, "User Control") : 0;
    long extra = payload.length >= 10 ? Bytes.u32(payload, 6, "User Control") : 0;
    return new UserControl(type, raw, value, extra);
  }

  public RawMessage toRaw() {
    boolean twoFields = eventType == UserControlEventType.SET_BUFFER_LENGTH;
    byte[] p = new byte[twoFields ? 10 : 6];
    p[0] = (byte) (rawEventType >>> 8);
    p[1] = (byte) rawEventType;
    Bytes.put32(p, 2, value);
    if (twoFields) {
      Bytes.put32(p, 6, extra);
    }
    return new RawMessage(ChunkStreams.CONTROL, MessageType.USER_CONTROL.id, 0, 0, p);
  }
}
