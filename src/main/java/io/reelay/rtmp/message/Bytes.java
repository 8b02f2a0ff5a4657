package io.reelay.rtmp.message;

import io.reelay.rtmp.RtmpProtocolException;

/** Big-endian helpers for the fixed-layout control messages. */
final class Bytes {
  private Bytes() {}

  static long u32(byte[] b, int p, String what) {
    if (b.length < p + 4) {
      throw new RtmpProtocolException(what + " message too short: " + b.length + " bytes");
    }
    return ((long) (b[p] & 0xFF) << 24)
        | (b[p + 1] & 0xFF) << 16
        | (b[p + 2] & 0xFF) << 8
        | (b[p + 3] & 0xFF);
  }

  static void put32(byte[] b, int p, long v) {
    b[p] = (byte) (v >>> 24);
    b[p + 1] = (byte) (v >>> 16);
    b[p + 2] = (byte) (v >>> 8);
    b[p + 3] = (byte) v;
  }
}
