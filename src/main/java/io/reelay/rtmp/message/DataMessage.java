package io.reelay.rtmp.message;

import io.reelay.amf.Amf0Decoder;
import io.reelay.amf.Amf0Encoder;
import io.reelay.rtmp.chunk.RawMessage;
import java.util.List;
import java.util.Map;

/** A data message (type 18, or 15 with a leading format byte), e.g. @setDataFrame/onMetaData. */
public record DataMessage(List<Object> values) {
  public static final String SET_DATA_FRAME = "@setDataFrame";
  public static final String ON_METADATA = "onMetaData";

  public static DataMessage decode(RawMessage msg, Amf0Decoder amf) {
    byte[] p = msg.payload();
    int offset = msg.typeId() == MessageType.DATA_AMF3.id && p.length > 0 && p[0] == 0 ? 1 : 0;
    return new DataMessage(amf.decodeAll(p, offset, p.length - offset));
  }

  /**
   * Returns the metadata map if this is {@code [@setDataFrame,] onMetaData, map}, else null. ECMA
   * arrays and plain objects are both accepted since encoders differ.
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> metadata() {
    int i = !values.isEmpty() && SET_DATA_FRAME.equals(values.get(0)) ? 1 : 0;
    if (values.size() > i + 1
        && ON_METADATA.equals(values.get(i))
        && values.get(i + 1) instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    return null;
  }

  public RawMessage toRaw(int chunkStreamId, int messageStreamId, long timestamp) {
    Amf0Encoder enc = new Amf0Encoder();
    for (Object v : values) {
      enc.write(v);
    }
    return new RawMessage(
        chunkStreamId, MessageType.DATA_AMF0.id, timestamp, messageStreamId, enc.toByteArray());
  }
}
