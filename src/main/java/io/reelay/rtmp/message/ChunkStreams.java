package io.reelay.rtmp.message;

/** Chunk stream ids this server sends on. Any 2..65599 is legal; these mirror common servers. */
public final class ChunkStreams {
  /** Protocol control and user control messages (required by the spec). */
  public static final int CONTROL = 2;

  /** NetConnection commands (connect / createStream results). */
  public static final int COMMAND = 3;

  /** NetStream commands (onStatus). */
  public static final int STREAM = 5;

  private ChunkStreams() {}
}
