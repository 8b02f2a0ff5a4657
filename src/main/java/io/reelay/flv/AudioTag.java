package io.reelay.flv;

import java.nio.ByteBuffer;

/**
 * A parsed FLV audio tag body (the payload of an RTMP audio message).
 *
 * @param format sound format
 * @param rateCode FLV sound rate field (0=5.5k, 1=11k, 2=22k, 3=44k); meaningless for AAC
 * @param sixteenBit sound size flag
 * @param stereo sound type flag; for AAC the real layout is in the AudioSpecificConfig
 * @param aacPacketType AAC packet type, or null for other formats
 * @param body the whole tag body as received
 * @param dataOffset index in {@code body} where codec data starts
 */
public record AudioTag(
    SoundFormat format,
    int rateCode,
    boolean sixteenBit,
    boolean stereo,
    AacPacketType aacPacketType,
    byte[] body,
    int dataOffset) {

  public static AudioTag parse(byte[] body) {
    if (body.length < 1) {
      throw new FlvException("empty audio tag");
    }
    int b0 = body[0] & 0xFF;
    SoundFormat format = SoundFormat.of(b0 >> 4);
    int rate = (b0 >> 2) & 0x03;
    boolean sixteen = (b0 & 0x02) != 0;
    boolean stereo = (b0 & 0x01) != 0;
    if (format != SoundFormat.AAC) {
      return new AudioTag(format, rate, sixteen, stereo, null, body, 1);
    }
    if (body.length < 2) {
      throw new FlvException("AAC audio tag shorter than its 2-byte header");
    }
    AacPacketType type = AacPacketType.of(body[1] & 0xFF);
    if (type == null) {
      throw new FlvException("unknown AAC packet type " + (body[1] & 0xFF));
    }
    return new AudioTag(format, rate, sixteen, stereo, type, body, 2);
  }

  public boolean isAacSequenceHeader() {
    return aacPacketType == AacPacketType.SEQUENCE_HEADER;
  }

  public ByteBuffer data() {
    return ByteBuffer.wrap(body, dataOffset, body.length - dataOffset).slice().asReadOnlyBuffer();
  }

  public int dataLength() {
    return body.length - dataOffset;
  }
}
