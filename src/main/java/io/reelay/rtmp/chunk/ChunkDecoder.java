package io.reelay.rtmp.chunk;

import io.reelay.rtmp.RtmpProtocolException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Incremental RTMP chunk stream decoder: bytes in, complete {@link RawMessage}s out.
 *
 * <p>Input can be split anywhere (down to single bytes). Only a partial chunk header (at most 18
 * bytes) is held between calls; payload bytes go straight into the message they belong to. Each
 * message buffer grows with the bytes actually received, never with the declared length, and the
 * declared length is checked against {@code maxMessageSize} before anything is allocated. The sum
 * of declared lengths of all incomplete messages is bounded by {@code maxInFlightBytes}.
 *
 * <p>Set Chunk Size (type 1) and Abort (type 2) are applied here, because they change how the very
 * next chunk is framed; they are still passed to the sink for logging.
 *
 * <p>Not thread-safe. After a {@link RtmpProtocolException} the decoder must be discarded.
 */
public final class ChunkDecoder {
  public static final int DEFAULT_CHUNK_SIZE = 128;

  private static final int MAX_HEADER_SIZE = 3 + 11 + 4;
  private static final int MIN_BUFFER = 4096;
  private static final long TIMESTAMP_MASK = 0xFFFFFFFFL;
  private static final int EXTENDED_TIMESTAMP = 0xFFFFFF;

  private final int maxMessageSize;
  private final long maxInFlightBytes;
  private final int maxChunkStreams;
  private final int minChunkSize;
  private final int maxChunkSize;

  private int chunkSize = DEFAULT_CHUNK_SIZE;
  private final Map<Integer, ChunkStream> streams = new HashMap<>();
  private long inFlightBytes;

  private final byte[] header = new byte[MAX_HEADER_SIZE];
  private int headerLen;

  /** Non-null while the payload of a chunk is being read. */
  private ChunkStream current;

  private int chunkRemaining;

  /** Bytes read while probing for an optional extended timestamp that turned out to be payload. */
  private ByteBuffer replay;

  /**
   * Per chunk stream: the last header seen (for header compression) and the message being built.
   */
  private static final class ChunkStream {
    final int id;
    long timestamp;
    long timestampField;
    boolean extended;
    int length;
    int typeId;
    int messageStreamId;
    boolean inProgress;
    byte[] buffer;
    int received;

    ChunkStream(int id) {
      this.id = id;
    }
  }

  /**
   * @param maxMessageSize largest declared message length accepted (e.g. 8 MiB)
   * @param maxInFlightBytes bound on the sum of declared lengths of incomplete messages
   * @param maxChunkStreams bound on distinct chunk stream ids (each costs a little state)
   * @param minChunkSize smallest Set Chunk Size accepted from the peer (e.g. 128)
   * @param maxChunkSize largest Set Chunk Size accepted from the peer (e.g. 65536)
   */
  public ChunkDecoder(
      int maxMessageSize,
      long maxInFlightBytes,
      int maxChunkStreams,
      int minChunkSize,
      int maxChunkSize) {
    if (maxMessageSize < 1 || maxInFlightBytes < maxMessageSize || maxChunkStreams < 1) {
      throw new IllegalArgumentException("invalid decoder limits");
    }
    if (minChunkSize < 1 || maxChunkSize < minChunkSize || maxChunkSize > 0x7FFFFFFF) {
      throw new IllegalArgumentException("invalid chunk size bounds");
    }
    this.maxMessageSize = maxMessageSize;
    this.maxInFlightBytes = maxInFlightBytes;
    this.maxChunkStreams = maxChunkStreams;
    this.minChunkSize = minChunkSize;
    this.maxChunkSize = maxChunkSize;
  }

  /** A decoder with the defaults used by {@code RtmpSession}: 8 MiB messages, 128..65536 chunks. */
  public static ChunkDecoder withDefaults() {
    return new ChunkDecoder(8 << 20, 16L << 20, 64, 128, 65536);
  }

  public int chunkSize() {
    return chunkSize;
  }

  /** Bytes currently reserved by incomplete messages (for tests and metrics). */
  public long inFlightBytes() {
    return inFlightBytes;
  }

  /**
   * Consumes all of {@code in}, passing each completed message to {@code sink} as soon as it is
   * complete (so a Set Chunk Size takes effect before the following chunk is framed).
   */
  public void decode(ByteBuffer in, Consumer<RawMessage> sink) {
    while (true) {
      ByteBuffer src = replay != null && replay.hasRemaining() ? replay : in;
      if (!src.hasRemaining()) {
        return;
      }
      if (current == null) {
        readHeader(src, sink);
      } else {
        readPayload(src, sink);
      }
    }
  }

  private void readHeader(ByteBuffer src, Consumer<RawMessage> sink) {
    while (true) {
      int need = headerBytesNeeded();
      if (headerLen >= need) {
        break;
      }
      if (!src.hasRemaining()) {
        return;
      }
      int take = Math.min(need - headerLen, src.remaining());
      src.get(header, headerLen, take);
      headerLen += take;
    }
    parseHeader(sink);
  }

  /** How many header bytes are needed, given what the bytes read so far tell us. */
  private int headerBytesNeeded() {
    if (headerLen == 0) {
      return 1;
    }
    int basic = basicHeaderLength();
    if (headerLen < basic) {
      return basic;
    }
    ChunkFormat fmt = ChunkFormat.of((header[0] & 0xFF) >> 6);
    int n = basic + fmt.messageHeaderSize;
    if (headerLen < n) {
      return n;
    }
    if (fmt != ChunkFormat.TYPE_3) {
      if (u24(header, basic) == EXTENDED_TIMESTAMP) {
        n += 4;
      }
    } else {
      ChunkStream cs = streams.get(chunkStreamId());
      if (cs != null && cs.extended) {
        // Probe: some clients repeat the extended timestamp on type-3 chunks, some do not.
        n += 4;
      }
    }
    return n;
  }

  private int basicHeaderLength() {
    int low = header[0] & 0x3F;
    return low == 0 ? 2 : low == 1 ? 3 : 1;
  }

  private int chunkStreamId() {
    int low = header[0] & 0x3F;
    if (low == 0) {
      return 64 + (header[1] & 0xFF);
    }
    if (low == 1) {
      return 64 + (header[1] & 0xFF) + ((header[2] & 0xFF) << 8);
    }
    return low;
  }

  private void parseHeader(Consumer<RawMessage> sink) {
    ChunkFormat fmt = ChunkFormat.of((header[0] & 0xFF) >> 6);
    int csid = chunkStreamId();
    int p = basicHeaderLength();
    ChunkStream cs = streams.get(csid);
    if (cs == null) {
      if (fmt != ChunkFormat.TYPE_0) {
        throw new RtmpProtocolException(
            "chunk stream "
                + csid
                + " referenced by a type "
                + fmt.value
                + " header before any type 0 header");
      }
      if (streams.size() >= maxChunkStreams) {
        throw new RtmpProtocolException("more than " + maxChunkStreams + " chunk streams in use");
      }
      cs = new ChunkStream(csid);
      streams.put(csid, cs);
    }
    boolean continuation = cs.inProgress;
    if (continuation && fmt != ChunkFormat.TYPE_3) {
      throw new RtmpProtocolException(
          "type "
              + fmt.value
              + " header on chunk stream "
              + csid
              + " while a message is incomplete");
    }
    long field = 0;
    if (fmt != ChunkFormat.TYPE_3) {
      field = u24(header, p);
      p += 3;
    }
    if (fmt == ChunkFormat.TYPE_0 || fmt == ChunkFormat.TYPE_1) {
      cs.length = u24(header, p);
      cs.typeId = header[p + 3] & 0xFF;
      p += 4;
    }
    if (fmt == ChunkFormat.TYPE_0) {
      // The message stream id is the one little-endian field in RTMP.
      cs.messageStreamId =
          (header[p] & 0xFF)
              | (header[p + 1] & 0xFF) << 8
              | (header[p + 2] & 0xFF) << 16
              | (header[p + 3] & 0xFF) << 24;
      p += 4;
    }
    if (fmt != ChunkFormat.TYPE_3) {
      cs.extended = field == EXTENDED_TIMESTAMP;
      if (cs.extended) {
        field = u32(header, p);
        p += 4;
      }
    } else if (cs.extended) {
      long probe = u32(header, p);
      // Most clients repeat the header's field; some librtmp versions write the absolute time.
      if (probe == cs.timestampField || (continuation && probe == cs.timestamp)) {
        p += 4;
      } else {
        pushBack(p, headerLen - p);
      }
    }
    headerLen = 0;

    switch (fmt) {
      case TYPE_0 -> {
        cs.timestamp = field;
        cs.timestampField = field;
      }
      case TYPE_1, TYPE_2 -> {
        cs.timestampField = field;
        cs.timestamp = (cs.timestamp + field) & TIMESTAMP_MASK;
      }
      case TYPE_3 -> {
        if (!continuation) {
          // A type 3 header starting a new message repeats the previous delta (spec 5.3.1.2.4).
          cs.timestamp = (cs.timestamp + cs.timestampField) & TIMESTAMP_MASK;
        }
      }
    }
    if (!continuation) {
      startMessage(cs);
    }
    chunkRemaining = Math.min(chunkSize, cs.length - cs.received);
    if (chunkRemaining == 0) {
      completeMessage(cs, sink);
    } else {
      current = cs;
    }
  }

  private void pushBack(int from, int count) {
    byte[] bytes = new byte[count + (replay == null ? 0 : replay.remaining())];
    System.arraycopy(header, from, bytes, 0, count);
    if (replay != null) {
      replay.get(bytes, count, replay.remaining());
    }
    replay = ByteBuffer.wrap(bytes);
  }

  private void startMessage(ChunkStream cs) {
    // Checked before any allocation: the declared length is attacker-controlled.
    if (cs.length > maxMessageSize) {
      throw new RtmpProtocolException(
          "declared message length " + cs.length + " exceeds limit " + maxMessageSize);
    }
    if (inFlightBytes + cs.length > maxInFlightBytes) {
      throw new RtmpProtocolException(
          "incomplete messages would exceed " + maxInFlightBytes + " bytes");
    }
    inFlightBytes += cs.length;
    cs.inProgress = true;
    cs.received = 0;
    cs.buffer = null;
  }

  private void readPayload(ByteBuffer src, Consumer<RawMessage> sink) {
    ChunkStream cs = current;
    int take = Math.min(chunkRemaining, src.remaining());
    ensureCapacity(cs, cs.received + take);
    src.get(cs.buffer, cs.received, take);
    cs.received += take;
    chunkRemaining -= take;
    if (chunkRemaining == 0) {
      current = null;
      if (cs.received == cs.length) {
        completeMessage(cs, sink);
      }
    }
  }

  private static void ensureCapacity(ChunkStream cs, int needed) {
    int cap = cs.buffer == null ? 0 : cs.buffer.length;
    if (needed <= cap) {
      return;
    }
    // Grow geometrically but never past the declared length, so memory tracks bytes received.
    int newCap = (int) Math.min(cs.length, Math.max((long) needed, Math.max(MIN_BUFFER, 2L * cap)));
    byte[] grown = new byte[newCap];
    if (cs.buffer != null) {
      System.arraycopy(cs.buffer, 0, grown, 0, cs.received);
    }
    cs.buffer = grown;
  }

  private void completeMessage(ChunkStream cs, Consumer<RawMessage> sink) {
    byte[] payload = cs.buffer == null ? new byte[0] : cs.buffer;
    inFlightBytes -= cs.length;
    cs.inProgress = false;
    cs.buffer = null;
    cs.received = 0;
    RawMessage msg = new RawMessage(cs.id, cs.typeId, cs.timestamp, cs.messageStreamId, payload);
    if (cs.typeId == 1 || cs.typeId == 2) {
      applyControl(msg);
    }
    sink.accept(msg);
  }

  private void applyControl(RawMessage msg) {
    if (msg.typeId() == 1) {
      if (msg.payload().length < 4) {
        throw new RtmpProtocolException("Set Chunk Size message shorter than 4 bytes");
      }
      long size = u32(msg.payload(), 0);
      if (size < 1 || size > 0x7FFFFFFFL) {
        throw new RtmpProtocolException("Set Chunk Size " + size + " is outside 1..2^31-1");
      }
      if (size < minChunkSize || size > maxChunkSize) {
        throw new RtmpProtocolException(
            "Set Chunk Size "
                + size
                + " outside accepted range "
                + minChunkSize
                + ".."
                + maxChunkSize);
      }
      chunkSize = (int) size;
    } else if (msg.typeId() == 2) {
      if (msg.payload().length < 4) {
        throw new RtmpProtocolException("Abort message shorter than 4 bytes");
      }
      long target = u32(msg.payload(), 0);
      ChunkStream cs = target <= Integer.MAX_VALUE ? streams.get((int) target) : null;
      if (cs != null && cs.inProgress) {
        inFlightBytes -= cs.length;
        cs.inProgress = false;
        cs.buffer = null;
        cs.received = 0;
      }
    }
  }

  private static int u24(byte[] b, int p) {
    return (b[p] & 0xFF) << 16 | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF);
  }

  private static long u32(byte[] b, int p) {
    return ((long) (b[p] & 0xFF) << 24)
        | (b[p + 1] & 0xFF) << 16
        | (b[p + 2] & 0xFF) << 8
        | (b[p + 3] & 0xFF);
  }
}
