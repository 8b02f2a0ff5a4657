package io.reelay.rtmp.message;

/** RTMP message type ids (RTMP spec sections 5.4, 6 and 7). */
public enum MessageType {
  SET_CHUNK_SIZE(1),
  ABORT(2),
  ACKNOWLEDGEMENT(3),
  USER_CONTROL(4),
  WINDOW_ACK_SIZE(5),
  SET_PEER_BANDWIDTH(6),
  AUDIO(8),
  VIDEO(9),
  DATA_AMF3(15),
  SHARED_OBJECT_AMF3(16),
  COMMAND_AMF3(17),
  DATA_AMF0(18),
  SHARED_OBJECT_AMF0(19),
  COMMAND_AMF0(20),
  AGGREGATE(22);

  private static final MessageType[] BY_ID = new MessageType[23];

  static {
    for (MessageType t : values()) {
      BY_ID[t.id] = t;
    }
  }

  public final int id;

  MessageType(int id) {
    this.id = id;
  }

  /** Returns the type, or null for an id the spec does not define. */
  public static MessageType of(int id) {
    return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
  }
}
