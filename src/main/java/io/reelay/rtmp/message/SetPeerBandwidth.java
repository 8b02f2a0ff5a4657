package io.reelay.rtmp.message;

import io.reelay.rtmp.RtmpProtocolException;
import io.reelay.rtmp.chunk.RawMessage;

/** Protocol control message 6: limits the peer's output window. */
public record SetPeerBandwidth(long windowSize, LimitType limitType) {

  /** How the receiver applies the new window. */
  public enum LimitType {
    HARD(0),
    SOFT(1),
    DYNAMIC(2);

    public final int value;

    LimitType(int value) {
      this.value = value;
    }

    static LimitType of(int value) {
      return switch (value) {
        case 0 -> HARD;
        case 1 -> SOFT;
        case 2 -> DYNAMIC;
        default -> throw new RtmpProtocolException("unknown peer bandwidth limit type " + value);
      };
    }
  }

  public static SetPeerBandwidth decode(byte[] payload) {
    long size = Bytes.u32(payload, 0, "Set Peer Bandwidth");
    if (payload.length < 5) {
      throw new RtmpProtocolException("Set Peer Bandwidth message lacks its limit type");
    }
    return new SetPeerBandwidth(size, LimitType.of(payload[4] & 0xFF));
  }

  public RawMessage toRaw() {
    byte[] p = new byte[5];
    Bytes.put32(p, 0, windowSize);
    p[4] = (byte) limitType.value;
    return new RawMessage(ChunkStreams.CONTROL, MessageType.SET_PEER_BANDWIDTH.id, 0, 0, p);
  }
}
