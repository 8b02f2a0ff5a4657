package io.reelay.rtmp.message;

import io.reelay.rtmp.chunk.RawMessage;

/** Protocol control message 5: how many bytes the receiver may take before acknowledging. */
public record WindowAckSize(long windowSize) {
  public static WindowAckSize decode(byte[] payload) {
    return new WindowAckSize(Bytes.u32(payload, 0, "Window Acknowledgement Size"));
  }

  public RawMessage toRaw() {
    byte[] p = new byte[4];
    Bytes.put32(p, 0, windowSize);
    return new RawMessage(ChunkStreams.CONTROL, MessageType.WINDOW_ACK_SIZE.id, 0, 0, p);
  }
}
