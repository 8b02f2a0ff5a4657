package io.reelay.cmaf;

/** RFC 6381 codecs parameter strings, derived from the codec configuration bytes. */
public final class Codecs {
  private Codecs() {}

  /** {@code avc1.PPCCLL} from an AVCDecoderConfigurationRecord (profile, constraints, level). */
  public static String avc1(byte[] avcDecoderConfig) {
    if (avcDecoderConfig.length < 4) {
      throw new IllegalArgumentException("AVCDecoderConfigurationRecord too short");
    }
    return String.format(
        "avc1.%02x%02x%02x",
        avcDecoderConfig[1] & 0xFF, avcDecoderConfig[2] & 0xFF, avcDecoderConfig[3] & 0xFF);
  }

  /** {@code mp4a.40.N} where N is the MPEG-4 audio object type (2 = AAC-LC, 5 = HE-AAC...). */
  public static String mp4a(byte[] audioSpecificConfig) {
    return "mp4a.40." + audioObjectType(audioSpecificConfig);
  }

  /** Audio object type from the first 5 bits, or the 6-bit escape when those are 31. */
  public static int audioObjectType(byte[] asc) {
    if (asc.length < 1) {
      throw new IllegalArgumentException("empty AudioSpecificConfig");
    }
    int type = (asc[0] & 0xFF) >>> 3;
    if (type == 31) {
      if (asc.length < 2) {
        throw new IllegalArgumentException("truncated AudioSpecificConfig");
      }
      type = 32 + (((asc[0] & 0x07) << 3) | ((asc[1] & 0xFF) >>> 5));
    }
    return type;
  }
}
