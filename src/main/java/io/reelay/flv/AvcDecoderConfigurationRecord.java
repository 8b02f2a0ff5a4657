package io.reelay.flv;

import java.util.ArrayList;
import java.util.List;

/**
 * The AVC sequence header (ISO/IEC 14496-15 AVCDecoderConfigurationRecord) carried in an AVC video
 * tag with packet type 0.
 *
 * @param sps raw SPS NAL units (with NAL header byte)
 * @param pps raw PPS NAL units
 * @param spsInfo decoded first SPS, or null when the record has no SPS
 */
public record AvcDecoderConfigurationRecord(
    int configurationVersion,
    int profileIndication,
    int profileCompatibility,
    int levelIndication,
    int nalLengthSize,
    List<byte[]> sps,
    List<byte[]> pps,
    SpsInfo spsInfo) {

  public static AvcDecoderConfigurationRecord parse(byte[] data, int offset, int length) {
    int p = offset;
    int end = offset + length;
    if (length < 7) {
      throw new FlvException("AVCDecoderConfigurationRecord shorter than 7 bytes");
    }
    int version = data[p++] & 0xFF;
    if (version != 1) {
      throw new FlvException("AVCDecoderConfigurationRecord version " + version + " != 1");
    }
    int profile = data[p++] & 0xFF;
    int compat = data[p++] & 0xFF;
    int level = data[p++] & 0xFF;
    int nalLengthSize = (data[p++] & 0x03) + 1;
    if (nalLengthSize == 3) {
      throw new FlvException("NAL length size 3 is not allowed");
    }
    int numSps = data[p++] & 0x1F;
    List<byte[]> spsList = new ArrayList<>(numSps);
    for (int i = 0; i < numSps; i++) {
      p = readNal(data, p, end, spsList);
    }
    if (p >= end) {
      throw new FlvException("AVCDecoderConfigurationRecord truncated before PPS count");
    }
    int numPps = data[p++] & 0xFF;
    List<byte[]> ppsList = new ArrayList<>(Math.min(numPps, 32));
    for (int i = 0; i < numPps; i++) {
      p = readNal(data, p, end, ppsList);
    }
    // Trailing high-profile extension fields (chroma format etc.) are redundant with the SPS.
    SpsInfo info = spsList.isEmpty() ? null : SpsInfo.parse(spsList.get(0));
    return new AvcDecoderConfigurationRecord(
        version,
        profile,
        compat,
        level,
        nalLengthSize,
        List.copyOf(spsList),
        List.copyOf(ppsList),
        info);
  }

  /** Parses the record from an AVC sequence-header video tag. */
  public static AvcDecoderConfigurationRecord parse(VideoTag tag) {
    if (!tag.isAvcSequenceHeader()) {
      throw new IllegalArgumentException("not an AVC sequence header");
    }
    return parse(tag.body(), tag.dataOffset(), tag.dataLength());
  }

  private static int readNal(byte[] data, int p, int end, List<byte[]> into) {
    if (end - p < 2) {
      throw new FlvException("AVCDecoderConfigurationRecord truncated in NAL length");
    }
    int len = ((data[p] & 0xFF) << 8) | (data[p + 1] & 0xFF);
    p += 2;
    if (len == 0 || len > end - p) {
      throw new FlvException("parameter set length " + len + " exceeds record");
    }
    byte[] nal = new byte[len];
    System.arraycopy(data, p, nal, 0, len);
    into.add(nal);
    return p + len;
  }

  public int width() {
    return spsInfo == null ? 0 : spsInfo.width();
  }

  public int height() {
    return spsInfo == null ? 0 : spsInfo.height();
  }
}
