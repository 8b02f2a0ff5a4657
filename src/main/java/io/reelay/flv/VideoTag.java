package io.reelay.flv;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A parsed FLV video tag body (the payload of an RTMP video message).
 *
 * <p>For AVC, {@code avcPacketType} and {@code compositionTimeMs} are set and {@code dataOffset}
 * points past the 5-byte header. For an enhanced-RTMP tag ({@code exHeader}), only the frame type
 * and FourCC (e.g. {@code hvc1}) are decoded so the caller can refuse it with a clear message; the
 * other fields are neutral. {@code body} is the complete message payload, not copied.
 *
 * @param frameType key / inter / ...
 * @param codec legacy codec id, or {@link VideoCodec#UNKNOWN} for enhanced tags
 * @param exHeader whether the enhanced-RTMP ex-header bit was set
 * @param fourCc the enhanced-RTMP codec FourCC, or null for legacy tags
 * @param avcPacketType AVC packet type, or null when the codec is not AVC
 * @param compositionTimeMs signed 24-bit CTS offset (pts - dts) for AVC, otherwise 0
 * @param body the whole tag body as received
 * @param dataOffset index in {@code body} where codec data starts
 */
public record VideoTag(
    VideoFrameType frameType,
    VideoCodec codec,
    boolean exHeader,
    String fourCc,
    AvcPacketType avcPacketType,
    int compositionTimeMs,
    byte[] body,
    int dataOffset) {

  private static final int EX_HEADER_BIT = 0x80;

  public static VideoTag parse(byte[] body) {
    if (body.length < 1) {
      throw new FlvException("empty video tag");
    }
    int b0 = body[0] & 0xFF;
    if ((b0 & EX_HEADER_BIT) != 0) {
      // Enhanced RTMP: [1 bit ex][3 bits frame type][4 bits packet type][FourCC]...
      if (body.length < 5) {
        throw new FlvException("enhanced video tag shorter than its FourCC");
      }
      String fourCc = new String(body, 1, 4, StandardCharsets.ISO_8859_1);
      return new VideoTag(
          VideoFrameType.of((b0 >> 4) & 0x07), VideoCodec.UNKNOWN, true, fourCc, null, 0, body, 5);
    }
    VideoFrameType frameType = VideoFrameType.of(b0 >> 4);
    VideoCodec codec = VideoCodec.of(b0 & 0x0F);
    if (codec != VideoCodec.AVC) {
      return new VideoTag(frameType, codec, false, null, null, 0, body, 1);
    }
    if (frameType == VideoFrameType.COMMAND) {
      // Video info/command frames carry one byte of payload and no AVC header.
      return new VideoTag(frameType, codec, false, null, null, 0, body, 1);
    }
    if (body.length < 5) {
      throw new FlvException("AVC video tag shorter than its 5-byte header");
    }
    AvcPacketType packetType = AvcPacketType.of(body[1] & 0xFF);
    if (packetType == null) {
      throw new FlvException("unknown AVC packet type " + (body[1] & 0xFF));
    }
    // Sign-extend the 24-bit composition time: negative CTS is legal (B-frame reordering).
    int cts = ((body[2] & 0xFF) << 16) | ((body[3] & 0xFF) << 8) | (body[4] & 0xFF);
    cts = (cts << 8) >> 8;
    return new VideoTag(frameType, codec, false, null, packetType, cts, body, 5);
  }

  public boolean isKeyFrame() {
    return frameType == VideoFrameType.KEY;
  }

  public boolean isAvcSequenceHeader() {
    return avcPacketType == AvcPacketType.SEQUENCE_HEADER;
  }

  /** A read-only view of the codec data after the tag header. */
  public ByteBuffer data() {
    return ByteBuffer.wrap(body, dataOffset, body.length - dataOffset).slice().asReadOnlyBuffer();
  }

  public int dataLength() {
    return body.length - dataOffset;
  }
}
