package io.reelay.flv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlvParsingTest {

  /** SPS NAL units produced by libx264 (via FFmpeg 8.0.1) for the named settings. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // name, hex, profile, chroma_format_idc, frame_mbs_only, width, height
    "ultrafast 320x240, 6742c00dda0507ec0440000003004000000c83c50aa8, 66, 1, true, 320, 240",
    "baseline 1080p cropped, 6742c028da01e0089f97011000000300100000030320f1832a, 66, 1, true, 1920,"
        + " 1080",
    "high 720p, 6764001facd9405005bb011000000300100000030320f1831960, 100, 1, true, 1280, 720",
    "high 4:4:4 odd size, 67f4001e919680a42fe3e7c044000003000400000300c83c58ba80, 244, 3, true,"
        + " 642, 362",
    "high scaling lists, 6764001eacb405017fcb80880000030008000003019078b175, 100, 1, true, 640,"
        + " 360",
    "high 4:2:2, 677a001ebcb405a0936022000003000200000300641e2c5d40, 122, 2, true, 720, 576",
    "interlaced 1080i, 674d4028f403c0227ef011000003000100000300321f162ea0, 77, 1, false, 1920,"
        + " 1080",
  })
  void parsesRealX264Sps(
      String name,
      String hex,
      int profile,
      int chroma,
      boolean frameMbsOnly,
      int width,
      int height) {
    SpsInfo sps = SpsInfo.parse(HexFormat.of().parseHex(hex));
    assertEquals(profile, sps.profileIdc());
    assertEquals(chroma, sps.chromaFormatIdc());
    assertEquals(frameMbsOnly, sps.frameMbsOnly());
    assertEquals(width, sps.width());
    assertEquals(height, sps.height());
  }

  static byte[] avcSequenceHeaderTag(byte[] sps, byte[] pps) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x17, 0, 0, 0, 0}); // key frame, AVC, sequence header, cts 0
    out.writeBytes(new byte[] {1, sps[1], sps[2], sps[3], (byte) 0xFF, (byte) 0xE1});
    out.write(sps.length >> 8);
    out.write(sps.length);
    out.writeBytes(sps);
    out.write(1);
    out.write(pps.length >> 8);
    out.write(pps.length);
    out.writeBytes(pps);
    return out.toByteArray();
  }

  @Test
  void parsesAvcSequenceHeader() {
    byte[] sps = HexFormat.of().parseHex("6764001facd9405005bb011000000300100000030320f1831960");
    byte[] pps = {0x68, (byte) 0xEB, (byte) 0xE3, (byte) 0xCB, 0x22, (byte) 0xC0};
    VideoTag tag = VideoTag.parse(avcSequenceHeaderTag(sps, pps));
    assertTrue(tag.isKeyFrame());
    assertEquals(VideoCodec.AVC, tag.codec());
    assertTrue(tag.isAvcSequenceHeader());
    AvcDecoderConfigurationRecord rec = AvcDecoderConfigurationRecord.parse(tag);
    assertEquals(100, rec.profileIndication());
    assertEquals(0x1f, rec.levelIndication());
    assertEquals(4, rec.nalLengthSize());
    assertEquals(1, rec.sps().size());
    assertArrayEquals(pps, rec.pps().get(0));
    assertEquals(1280, rec.width());
    assertEquals(720, rec.height());
  }

  @Test
  void truncatedOrLyingConfigurationRecordsFailCleanly() {
    byte[] sps = HexFormat.of().parseHex("6742c00dda0507ec0440000003004000000c83c50aa8");
    byte[] good = avcSequenceHeaderTag(sps, new byte[] {0x68, 1});
    for (int len = 5; len < good.length; len++) {
      byte[] cut = java.util.Arrays.copyOf(good, len);
      assertThrows(
          FlvException.class, () -> AvcDecoderConfigurationRecord.parse(VideoTag.parse(cut)));
    }
    byte[] lying = good.clone();
    lying[11] = (byte) 0xFF; // SPS length high byte
    assertThrows(
        FlvException.class, () -> AvcDecoderConfigurationRecord.parse(VideoTag.parse(lying)));
  }

  @Test
  void randomBytesNeverEscapeAsOtherExceptions() {
    Random rnd = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[rnd.nextInt(40)];
      rnd.nextBytes(b);
      if (b.length > 0) {
        b[0] = (byte) (0x67 & 0xFF);
      }
      try {
        SpsInfo.parse(b);
      } catch (FlvException expected) {
        // fine
      }
      try {
        AvcDecoderConfigurationRecord.parse(b, 0, b.length);
      } catch (FlvException expected) {
        // fine
      }
      try {
        AudioSpecificConfig.parse(b, 0, b.length);
      } catch (FlvException expected) {
        // fine
      }
    }
  }

  @Test
  void parsesNaluWithNegativeCompositionTime() {
    byte[] body = {0x27, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xD8, 0, 0, 0, 1, 0x41};
    VideoTag tag = VideoTag.parse(body);
    assertEquals(VideoFrameType.INTER, tag.frameType());
    assertEquals(AvcPacketType.NALU, tag.avcPacketType());
    assertEquals(-40, tag.compositionTimeMs());
    assertEquals(5, tag.dataLength());
    assertEquals(0x41, tag.data().get(4));
  }

  @Test
  void positiveCompositionTimeAndEndOfSequence() {
    assertEquals(80, VideoTag.parse(new byte[] {0x17, 1, 0, 0, 80}).compositionTimeMs());
    assertEquals(
        AvcPacketType.END_OF_SEQUENCE,
        VideoTag.parse(new byte[] {0x17, 2, 0, 0, 0}).avcPacketType());
  }

  @Test
  void recognisesEnhancedRtmpHevc() {
    // ex-header bit, key frame, PacketTypeSequenceStart (0), FourCC hvc1.
    byte[] body = {(byte) 0x90, 'h', 'v', 'c', '1', 1, 2, 3};
    VideoTag tag = VideoTag.parse(body);
    assertTrue(tag.exHeader());
    assertEquals("hvc1", tag.fourCc());
    assertEquals(VideoFrameType.KEY, tag.frameType());
    assertNull(tag.avcPacketType());
  }

  @Test
  void legacyNonAvcCodecsAreIdentified() {
    VideoTag tag = VideoTag.parse(new byte[] {0x22, 1, 2});
    assertEquals(VideoCodec.SORENSON_H263, tag.codec());
    assertFalse(tag.isAvcSequenceHeader());
  }

  @Test
  void badVideoTagsFailCleanly() {
    assertThrows(FlvException.class, () -> VideoTag.parse(new byte[0]));
    assertThrows(FlvException.class, () -> VideoTag.parse(new byte[] {0x17, 0}));
    assertThrows(FlvException.class, () -> VideoTag.parse(new byte[] {0x17, 9, 0, 0, 0}));
    assertThrows(FlvException.class, () -> VideoTag.parse(new byte[] {(byte) 0x90, 'h'}));
  }

  @Test
  void parsesAacAudioTagAndConfig() {
    // 0xAF: AAC, 44 kHz, 16-bit, stereo; 0x12 0x10 = AAC-LC, 44100 Hz, 2 channels.
    AudioTag tag = AudioTag.parse(new byte[] {(byte) 0xAF, 0, 0x12, 0x10});
    assertEquals(SoundFormat.AAC, tag.format());
    assertTrue(tag.isAacSequenceHeader());
    AudioSpecificConfig asc = AudioSpecificConfig.parse(tag);
    assertEquals(2, asc.objectType());
    assertEquals(44100, asc.sampleRate());
    assertEquals(2, asc.channels());

    AudioTag raw = AudioTag.parse(new byte[] {(byte) 0xAF, 1, 0x21, 0x00});
    assertEquals(AacPacketType.RAW, raw.aacPacketType());
    assertEquals(2, raw.dataLength());
  }

  @Test
  void audioSpecificConfigVariants() {
    // 48 kHz mono AAC-LC: 00010 0011 0001 000 -> 0x11 0x88
    AudioSpecificConfig a = AudioSpecificConfig.parse(new byte[] {0x11, (byte) 0x88}, 0, 2);
    assertEquals(48000, a.sampleRate());
    assertEquals(1, a.channels());
    // Explicit frequency (index 15) of 44100: 00010 1111 <24 bits> 0010
    long bits = (2L << 35) | (15L << 31) | (44100L << 7) | (2L << 3);
    byte[] b = new byte[5];
    for (int i = 0; i < 5; i++) {
      b[i] = (byte) (bits >>> (32 - 8 * i));
    }
    AudioSpecificConfig e = AudioSpecificConfig.parse(b, 0, 5);
    assertEquals(15, e.samplingFrequencyIndex());
    assertEquals(44100, e.sampleRate());
    assertEquals(2, e.channels());
    // Escaped object type (31 -> 32 + 6 bits).
    AudioSpecificConfig x =
        AudioSpecificConfig.parse(new byte[] {(byte) 0xF8, 0x08, 0x40, 0}, 0, 4);
    assertEquals(32, x.objectType());
    assertEquals(44100, x.sampleRate());
    assertThrows(
        FlvException.class, () -> AudioSpecificConfig.parse(new byte[] {0x17, (byte) 0x80}, 0, 2));
  }

  @Test
  void nonAacAudioIsIdentified() {
    AudioTag mp3 = AudioTag.parse(new byte[] {0x2F, 1, 2});
    assertEquals(SoundFormat.MP3, mp3.format());
    assertNull(mp3.aacPacketType());
    assertThrows(FlvException.class, () -> AudioTag.parse(new byte[] {(byte) 0xAF}));
  }
}
