package io.reelay.rtmp.message;

import io.reelay.rtmp.chunk.RawMessage;

/** Protocol control message 1: the sender's new maximum chunk size. */
public record SetChunkSize(int chunkSize) {
  public SetChunkSize {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunk size must be in 1..2^31-1");
    }
  }

  public RawMessage toRaw() {
    byte[] p = new byte[4];
    Bytes.put32(p, 0, chunkSize);
    return new RawMessage(ChunkStreams.CONTROL, MessageType.SET_CHUNK_SIZE.id, 0, 0, p);
  }
}
