package io.reelay.rtmp.message;

import io.reelay.rtmp.chunk.RawMessage;

/** Protocol control message 2: discard the partial message on a chunk stream. */
public record Abort(int chunkStreamId) {
  public RawMessage toRaw() {
    byte[] p = new byte[4];
    Bytes.put32(p, 0, chunkStreamId);
    return new RawMessage(ChunkStreams.CONTROL, MessageType.ABORT.id, 0, 0, p);
  }
}
