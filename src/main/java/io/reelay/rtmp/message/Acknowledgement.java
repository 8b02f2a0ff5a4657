package io.reelay.rtmp.message;

import io.reelay.rtmp.chunk.RawMessage;

/** Protocol control message 3: total bytes received so far (mod 2^32). */
public record Acknowledgement(long sequenceNumber) {
  public static Acknowledgement decode(byte[] payload) {
    return new Acknowledgement(Bytes.u32(payload, 0, "Acknowledgement"));
  }

  public RawMessage toRaw() {
    byte[] p = new byte[4];
    Bytes.put32(p, 0, sequenceNumber);
    return new RawMessage(ChunkStreams.CONTROL, MessageType.ACKNOWLEDGEMENT.id, 0, 0, p);
  }
}
