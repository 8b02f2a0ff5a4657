package io.reelay.rtmp.chunk;

/** The 2-bit chunk message header type ("fmt") and the size of the header it selects. */
public enum ChunkFormat {
  /** Timestamp, length, type id and message stream id. */
  TYPE_0(0, 11),
  /** Timestamp delta, length and type id; same message stream. */
  TYPE_1(1, 7),
  /** Timestamp delta only. */
  TYPE_2(2, 3),
  /** No header: continuation chunk, or a new message identical to the previous one. */
  TYPE_3(3, 0);

  private static final ChunkFormat[] VALUES = values();

  public final int value;
  public final int messageHeaderSize;

  ChunkFormat(int value, int messageHeaderSize) {
    this.value = value;
    this.messageHeaderSize = messageHeaderSize;
  }

  public static ChunkFormat of(int fmt) {
    return VALUES[fmt & 0x03];
  }
}
