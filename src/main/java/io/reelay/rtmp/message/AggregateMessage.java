package io.reelay.rtmp.message;

import io.reelay.rtmp.RtmpProtocolException;
import io.reelay.rtmp.chunk.RawMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Aggregate message (type 22): a run of FLV-style sub-tags (11-byte header, body, 4-byte back
 * pointer). Sub-message timestamps are rebased so the first one equals the aggregate's timestamp.
 */
public final class AggregateMessage {
  private static final int TAG_HEADER = 11;
  private static final int BACK_POINTER = 4;

  private AggregateMessage() {}

  public static List<RawMessage> split(RawMessage aggregate) {
    byte[] b = aggregate.payload();
    List<RawMessage> out = new ArrayList<>();
    int p = 0;
    long firstTs = -1;
    while (p < b.length) {
      if (b.length - p < TAG_HEADER) {
        throw new RtmpProtocolException("aggregate message: truncated sub-message header");
      }
      int type = b[p] & 0xFF;
      int size = (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
      long ts =
          ((long) (b[p + 7] & 0xFF) << 24)
              | (b[p + 4] & 0xFF) << 16
              | (b[p + 5] & 0xFF) << 8
              | (b[p + 6] & 0xFF);
      p += TAG_HEADER;
      if (size > b.length - p || b.length - p - size < BACK_POINTER) {
        throw new RtmpProtocolException(
            "aggregate message: sub-message of " + size + " bytes overruns");
      }
      if (firstTs < 0) {
        firstTs = ts;
      }
      long rebased = (aggregate.timestamp() + ts - firstTs) & 0xFFFFFFFFL;
      out.add(
          new RawMessage(
              aggregate.chunkStreamId(),
              type,
              rebased,
              aggregate.messageStreamId(),
              Arrays.copyOfRange(b, p, p + size)));
      p += size + BACK_POINTER;
    }
    return out;
  }
}
