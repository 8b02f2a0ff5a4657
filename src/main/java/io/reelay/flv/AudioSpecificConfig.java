package io.reelay.flv;

/**
 * The MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1) carried in an AAC sequence header.
 *
 * @param objectType audio object type (2 = AAC-LC, 5 = SBR/HE-AAC, 29 = PS)
 * @param samplingFrequencyIndex index into the standard table, or 15 for an explicit rate
 * @param sampleRate sampling rate in Hz of the core coder
 * @param channelConfiguration 0 = defined in-band (PCE), 1..7 = standard layouts
 * @param channels channel count implied by the configuration (0 when defined in-band)
 */
public record AudioSpecificConfig(
    int objectType,
    int samplingFrequencyIndex,
    int sampleRate,
    int channelConfiguration,
    int channels) {

  private static final int[] SAMPLE_RATES = {
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350
  };
  // Channel configuration 7 is 7.1 (8 channels).
  private static final int[] CHANNELS = {0, 1, 2, 3, 4, 5, 6, 8};

  public static AudioSpecificConfig parse(byte[] data, int offset, int length) {
    if (length < 2) {
      throw new FlvException("AudioSpecificConfig shorter than 2 bytes");
    }
    BitReader r = new BitReader(data, offset, length);
    int objectType = r.readBits(5);
    if (objectType == 31) {
      objectType = 32 + r.readBits(6);
    }
    int freqIndex = r.readBits(4);
    int sampleRate;
    if (freqIndex == 0x0F) {
      sampleRate = r.readBits(24);
    } else if (freqIndex < SAMPLE_RATES.length) {
      sampleRate = SAMPLE_RATES[freqIndex];
    } else {
      throw new FlvException("reserved sampling frequency index " + freqIndex);
    }
    if (sampleRate <= 0) {
      throw new FlvException("invalid sample rate " + sampleRate);
    }
    int channelConfig = r.readBits(4);
    if (channelConfig >= CHANNELS.length) {
      throw new FlvException("reserved channel configuration " + channelConfig);
    }
    return new AudioSpecificConfig(
        objectType, freqIndex, sampleRate, channelConfig, CHANNELS[channelConfig]);
  }

  public static AudioSpecificConfig parse(AudioTag tag) {
    if (!tag.isAacSequenceHeader()) {
      throw new IllegalArgumentException("not an AAC sequence header");
    }
    return parse(tag.body(), tag.dataOffset(), tag.dataLength());
  }
}
