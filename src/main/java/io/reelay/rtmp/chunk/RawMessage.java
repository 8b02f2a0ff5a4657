package io.reelay.rtmp.chunk;

/**
 * One reassembled RTMP message: the unit between the chunk layer and the message layer.
 *
 * @param chunkStreamId chunk stream it arrived on / should be sent on (2..65599)
 * @param typeId RTMP message type id (see {@code io.reelay.rtmp.message.MessageType})
 * @param timestamp 32-bit RTMP timestamp in milliseconds (0..2^32-1)
 * @param messageStreamId message stream id (0 = NetConnection)
 * @param payload message body; not copied, callers must not mutate it after handing it over
 */
public record RawMessage(
    int chunkStreamId, int typeId, long timestamp, int messageStreamId, byte[] payload) {

  @Override
  public String toString() {
    return "RawMessage[csid="
        + chunkStreamId
        + ", type="
        + typeId
        + ", ts="
        + timestamp
        + ", msid="
        + messageStreamId
        + ", length="
        + payload.length
        + "]";
  }
}
