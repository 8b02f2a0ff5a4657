package io.reelay.rtmp.chunk;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Splits {@link RawMessage}s into chunks.
 *
 * <p>With header compression on, a message on the same chunk stream and message stream as the
 * previous one uses a type 1, 2 or 3 header as the spec allows; otherwise every message starts with
 * a type 0 header. Continuation chunks always use type 3 and, by default, repeat the extended
 * timestamp (the spec's and FFmpeg's convention); the other convention is available for tests.
 *
 * <p>Not thread-safe.
 */
public final class ChunkEncoder {
  private static final int EXTENDED_TIMESTAMP = 0xFFFFFF;

  private int chunkSize = ChunkDecoder.DEFAULT_CHUNK_SIZE;
  private final boolean compressHeaders;
  private final boolean extendedTimestampOnContinuation;
  private final Map<Integer, Last> last = new HashMap<>();

  private record Last(int messageStreamId, int typeId, int length, long timestamp, long field) {}

  public ChunkEncoder() {
    this(false, true);
  }

  public ChunkEncoder(boolean compressHeaders, boolean extendedTimestampOnContinuation) {
    this.compressHeaders = compressHeaders;
    this.extendedTimestampOnContinuation = extendedTimestampOnContinuation;
  }

  /** Sets the outgoing chunk size; call it right after encoding the Set Chunk Size message. */
  public void setChunkSize(int chunkSize) {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunk size must be positive");
    }
    this.chunkSize = chunkSize;
  }

  public int chunkSize() {
    return chunkSize;
  }

  public byte[] encode(RawMessage msg) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(msg.payload().length + 32);
    encode(msg, out);
    return out.toByteArray();
  }

  public void encode(RawMessage msg, ByteArrayOutputStream out) {
    int csid = msg.chunkStreamId();
    if (csid < 2 || csid > 65599) {
      throw new IllegalArgumentException("chunk stream id " + csid + " outside 2..65599");
    }
    int length = msg.payload().length;
    if (length > 0xFFFFFF) {
      throw new IllegalArgumentException("message longer than 16 MiB cannot be framed");
    }
    long ts = msg.timestamp() & 0xFFFFFFFFL;
    Last prev = last.get(csid);
    ChunkFormat fmt = ChunkFormat.TYPE_0;
    long field = ts;
    if (compressHeaders && prev != null && prev.messageStreamId == msg.messageStreamId()) {
      long delta = ts - prev.timestamp;
      if (delta >= 0) {
        field = delta;
        if (length == prev.length && msg.typeId() == prev.typeId) {
          fmt = delta == prev.field ? ChunkFormat.TYPE_3 : ChunkFormat.TYPE_2;
        } else {
          fmt = ChunkFormat.TYPE_1;
        }
      }
    }
    boolean extended = field >= EXTENDED_TIMESTAMP;

    writeBasicHeader(out, fmt.value, csid);
    if (fmt != ChunkFormat.TYPE_3) {
      writeInt(out, extended ? EXTENDED_TIMESTAMP : field, 3);
    }
    if (fmt == ChunkFormat.TYPE_0 || fmt == ChunkFormat.TYPE_1) {
      writeInt(out, length, 3);
      out.write(msg.typeId());
    }
    if (fmt == ChunkFormat.TYPE_0) {
      int msid = msg.messageStreamId();
      out.write(msid);
      out.write(msid >>> 8);
      out.write(msid >>> 16);
      out.write(msid >>> 24);
    }
    if (extended) {
      writeInt(out, field, 4);
    }
    int off = 0;
    do {
      if (off > 0) {
        writeBasicHeader(out, ChunkFormat.TYPE_3.value, csid);
        if (extended && extendedTimestampOnContinuation) {
          writeInt(out, field, 4);
        }
      }
      int n = Math.min(chunkSize, length - off);
      out.write(msg.payload(), off, n);
      off += n;
    } while (off < length);
    last.put(csid, new Last(msg.messageStreamId(), msg.typeId(), length, ts, field));
  }

  private static void writeBasicHeader(ByteArrayOutputStream out, int fmt, int csid) {
    if (csid < 64) {
      out.write(fmt << 6 | csid);
    } else if (csid < 320) {
      out.write(fmt << 6);
      out.write(csid - 64);
    } else {
      out.write(fmt << 6 | 1);
      out.write((csid - 64) & 0xFF);
      out.write((csid - 64) >>> 8);
    }
  }

  private static void writeInt(ByteArrayOutputStream out, long v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
      out.write((int) (v >>> (8 * i)));
    }
  }
}
