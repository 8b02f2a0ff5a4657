package io.reelay.rtmp;

/**
 * Limits and negotiated values for one {@link RtmpSession}.
 *
 * @param maxMessageSize largest declared RTMP message accepted (refused before allocation)
 * @param maxInFlightBytes bound on bytes reserved by all incomplete messages of one connection
 * @param maxChunkStreams distinct chunk stream ids a peer may use
 * @param minPeerChunkSize smallest Set Chunk Size accepted from the peer
 * @param maxPeerChunkSize largest Set Chunk Size accepted from the peer
 * @param outChunkSize chunk size we announce and use after connect
 * @param windowAckSize window we ask the peer to acknowledge after
 * @param peerBandwidth Set Peer Bandwidth value we send
 * @param maxAmfDepth AMF0 nesting limit
 * @param maxStreams createStream calls allowed per connection
 */
public record RtmpSessionConfig(
    int maxMessageSize,
    long maxInFlightBytes,
    int maxChunkStreams,
    int minPeerChunkSize,
    int maxPeerChunkSize,
    int outChunkSize,
    long windowAckSize,
    long peerBandwidth,
    int maxAmfDepth,
    int maxStreams) {

  public static final int DEFAULT_MAX_MESSAGE_SIZE = 8 << 20;

  public RtmpSessionConfig {
    if (maxMessageSize < 1 || maxMessageSize > 0xFFFFFF) {
      throw new IllegalArgumentException("maxMessageSize must be 1..16777215 (24-bit length)");
    }
    if (maxInFlightBytes < maxMessageSize) {
      throw new IllegalArgumentException("maxInFlightBytes must be >= maxMessageSize");
    }
    if (minPeerChunkSize < 1 || maxPeerChunkSize < minPeerChunkSize) {
      throw new IllegalArgumentException("invalid peer chunk size range");
    }
    if (outChunkSize < 128 || outChunkSize > 65536) {
      throw new IllegalArgumentException("outChunkSize must be 128..65536");
    }
    if (maxChunkStreams < 1 || maxAmfDepth < 1 || maxStreams < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (windowAckSize < 1
        || windowAckSize > 0xFFFFFFFFL
        || peerBandwidth < 1
        || peerBandwidth > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("window sizes must fit in 32 bits");
    }
  }

  public static RtmpSessionConfig defaults() {
    return new RtmpSessionConfig(
        DEFAULT_MAX_MESSAGE_SIZE,
        2L * DEFAULT_MAX_MESSAGE_SIZE,
        64,
        128,
        65536,
        4096,
        2_500_000,
        2_500_000,
        32,
        8);
  }

  public RtmpSessionConfig withMaxMessageSize(int size) {
    return new RtmpSessionConfig(
        size,
        Math.max(maxInFlightBytes, size),
        maxChunkStreams,
        minPeerChunkSize,
        maxPeerChunkSize,
        outChunkSize,
        windowAckSize,
        peerBandwidth,
        maxAmfDepth,
        maxStreams);
  }

  public RtmpSessionConfig withWindowAckSize(long size) {
    return new RtmpSessionConfig(
        maxMessageSize,
        maxInFlightBytes,
        maxChunkStreams,
        minPeerChunkSize,
        maxPeerChunkSize,
        outChunkSize,
        size,
        peerBandwidth,
        maxAmfDepth,
        maxStreams);
  }
}
