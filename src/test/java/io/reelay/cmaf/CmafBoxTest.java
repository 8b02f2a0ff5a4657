package io.reelay.cmaf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.cmaf.BoxReader.Box;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CmafBoxTest {
  // Real avcC from x264 (High@1.3, 320x240) and AAC-LC 48 kHz stereo AudioSpecificConfig.
  static final byte[] AVCC =
      HexFormat.of()
          .parseHex(
              "0164000dffe100196764000dacd94141fb0110000003001000000303c0f14299"
                  + "6001000468ef8fcbfdf8f800");
  static final byte[] ASC = {0x11, (byte) 0x90};

  static final TrackInfo VIDEO = TrackInfo.h264(1, 320, 240, AVCC);
  static final TrackInfo AUDIO = TrackInfo.aac(2, 48_000, 2, ASC);

  static byte[] payload(int size, int seed) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (seed * 31 + i);
    }
    return b;
  }

  /** I P B B pattern: decode order with composition offsets, one negative. */
  static List<Sample> videoSamples(long start) {
    return List.of(
        new Sample(start, 3000, 3000, true, payload(500, 1)),
        new Sample(start + 3000, 3000, 6000, false, payload(120, 2)),
        new Sample(start + 6000, 3000, -3000, false, payload(40, 3)),
        new Sample(start + 9000, 3000, 0, false, payload(33, 4)));
  }

  static List<Sample> audioSamples(long start, int n) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Sample(start + 1024L * i, 1024, 0, true, payload(200 + i, i)));
    }
    return out;
  }

  @Test
  void videoInitLayout() {
    byte[] init = new InitSegment(VIDEO).toBytes();
    Box root = BoxReader.root(init);
    assertEquals(List.of("ftyp", "moov"), root.childTypes());

    ByteBuffer ftyp = root.child("ftyp").payload();
    assertEquals("iso6", BoxReader.fourcc(ftyp));
    assertEquals(0, ftyp.getInt());
    List<String> brands = new ArrayList<>();
    while (ftyp.hasRemaining()) {
      brands.add(BoxReader.fourcc(ftyp));
    }
    assertTrue(brands.containsAll(List.of("iso6", "cmfc", "mp41", "dash")), brands.toString());

    Box moov = root.child("moov");
    assertEquals(List.of("mvhd", "trak", "mvex"), moov.childTypes());
    Box trak = moov.child("trak");
    ByteBuffer tkhd = trak.child("tkhd").payload();
    assertEquals(3, tkhd.getInt() & 0xFFFFFF); // enabled + in movie
    tkhd.position(4 + 8);
    assertEquals(1, tkhd.getInt()); // track_ID
    tkhd.position(tkhd.limit() - 8);
    assertEquals(320 << 16, tkhd.getInt());
    assertEquals(240 << 16, tkhd.getInt());

    ByteBuffer mdhd = trak.path("mdia/mdhd").payload();
    mdhd.position(12);
    assertEquals(90_000, mdhd.getInt());
    ByteBuffer hdlr = trak.path("mdia/hdlr").payload();
    hdlr.position(8);
    assertEquals("vide", BoxReader.fourcc(hdlr));
    assertEquals(List.of("vmhd", "dinf", "stbl"), trak.path("mdia/minf").childTypes());
    assertEquals(List.of("dref"), trak.path("mdia/minf/dinf").childTypes());

    Box stbl = trak.path("mdia/minf/stbl");
    assertEquals(List.of("stsd", "stts", "stsc", "stsz", "stco"), stbl.childTypes());
    for (String t : List.of("stts", "stsc", "stco")) {
      assertEquals(16, stbl.child(t).size(), t + " must be empty");
    }
    assertEquals(20, stbl.child("stsz").size());

    // stsd: fullbox + entry_count, then avc1 whose fixed part is 78 bytes, then avcC.
    Box stsd = stbl.child("stsd");
    List<Box> entries =
        BoxReader.parse(init, stsd.payloadOffset() + 8, stsd.offset() + stsd.size());
    assertEquals(1, entries.size());
    Box avc1 = entries.get(0);
    assertEquals("avc1", avc1.type());
    ByteBuffer a = avc1.payload();
    a.position(24);
    assertEquals(320, a.getShort());
    assertEquals(240, a.getShort());
    List<Box> avcChildren =
        BoxReader.parse(init, avc1.payloadOffset() + 78, avc1.offset() + avc1.size());
    assertEquals("avcC", avcChildren.get(0).type());
    byte[] avcC = new byte[avcChildren.get(0).size() - 8];
    avcChildren.get(0).payload().get(avcC);
    assertArrayEquals(AVCC, avcC);

    ByteBuffer trex = moov.path("mvex/trex").payload();
    trex.position(4);
    assertEquals(1, trex.getInt());
    assertEquals(1, trex.getInt());
  }

  @Test
  void audioInitLayout() {
    byte[] init = new InitSegment(AUDIO).toBytes();
    Box root = BoxReader.root(init);
    Box trak = root.path("moov/trak");
    ByteBuffer mdhd = trak.path("mdia/mdhd").payload();
    mdhd.position(12);
    assertEquals(48_000, mdhd.getInt());
    ByteBuffer hdlr = trak.path("mdia/hdlr").payload();
    hdlr.position(8);
    assertEquals("soun", BoxReader.fourcc(hdlr));
    assertEquals(List.of("smhd", "dinf", "stbl"), trak.path("mdia/minf").childTypes());

    Box stsd = trak.path("mdia/minf/stbl/stsd");
    Box mp4a = BoxReader.parse(init, stsd.payloadOffset() + 8, stsd.offset() + stsd.size()).get(0);
    assertEquals("mp4a", mp4a.type());
    ByteBuffer m = mp4a.payload();
    m.position(16);
    assertEquals(2, m.getShort()); // channelcount
    assertEquals(16, m.getShort());
    m.position(24);
    assertEquals(48_000 << 16, m.getInt());
    Box esds = BoxReader.parse(init, mp4a.payloadOffset() + 28, mp4a.offset() + mp4a.size()).get(0);
    assertEquals("esds", esds.type());
    byte[] e = new byte[esds.size() - 12];
    ByteBuffer eb = esds.payload();
    eb.position(4);
    eb.get(e);
    // ES_Descriptor(3) > DecoderConfig(4, OTI 0x40, audio stream) > DecSpecificInfo(5) = ASC,
    // SL(6).
    String hex = HexFormat.of().formatHex(e);
    assertEquals(
        "0319000000"
            + "0411"
            + "4015"
            + "000000"
            + "00000000"
            + "00000000"
            + "0502"
            + "1190"
            + "060102",
        hex);
  }

  @Test
  void fragmentLayoutAndOffsets() {
    List<Sample> samples = videoSamples(1_000_000_000_000L); // > 32 bits: needs tfdt v1
    Fragment f = new Fragment(1, 7, samples);
    byte[] bytes = f.toBytes();
    assertEquals(f.byteSize(), bytes.length);
    List<Box> top = BoxReader.parse(bytes);
    assertEquals(List.of("moof", "mdat"), top.stream().map(Box::type).toList());
    Box moof = top.get(0);
    Box mdat = top.get(1);
    assertEquals(List.of("mfhd", "traf"), moof.childTypes());
    ByteBuffer mfhd = moof.child("mfhd").payload();
    mfhd.position(4);
    assertEquals(7, mfhd.getInt());

    Box traf = moof.child("traf");
    assertEquals(List.of("tfhd", "tfdt", "trun"), traf.childTypes());
    Box tfhd = traf.child("tfhd");
    assertEquals(0x020000, tfhd.flags());
    assertEquals(1, tfhd.payload().getInt(4));
    Box tfdt = traf.child("tfdt");
    assertEquals(1, tfdt.version());
    assertEquals(1_000_000_000_000L, tfdt.payload().getLong(4));

    Box trunBox = traf.child("trun");
    assertEquals(1, trunBox.version()); // signed composition offsets
    assertEquals(0x000F01, trunBox.flags());
    ByteBuffer trun = trunBox.payload();
    trun.position(4);
    assertEquals(4, trun.getInt());
    int dataOffset = trun.getInt();
    assertEquals(mdat.payloadOffset(), moof.offset() + dataOffset, "data offset -> mdat payload");
    int pos = moof.offset() + dataOffset;
    long total = 0;
    for (Sample s : samples) {
      assertEquals(s.duration(), trun.getInt());
      int size = trun.getInt();
      assertEquals(s.size(), size);
      int flags = trun.getInt();
      assertEquals(s.sync() ? 0x02000000 : 0x01010000, flags);
      assertEquals(!s.sync(), (flags & 0x00010000) != 0, "is_non_sync");
      assertEquals(s.compositionOffset(), trun.getInt());
      byte[] got = new byte[size];
      System.arraycopy(bytes, pos, got, 0, size);
      assertArrayEquals(s.data(), got);
      pos += size;
      total += size;
    }
    assertFalse(trun.hasRemaining());
    assertEquals(mdat.size() - 8, total);
    assertEquals(bytes.length, pos);
    assertTrue(f.independent());
    assertEquals(12_000, f.duration());
  }

  @Test
  void audioFragmentOmitsCompositionOffsets() {
    Fragment f = new Fragment(2, 1, audioSamples(48_000, 5));
    Box trun = BoxReader.parse(f.toBytes()).get(0).path("traf/trun");
    assertEquals(0, trun.version());
    assertEquals(0x000701, trun.flags());
    assertEquals(8 + 4 + 8 + 5 * 12, trun.size());
  }

  @Test
  void writeToMatchesToBytes() throws Exception {
    Fragment f = new Fragment(1, 1, videoSamples(0));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    f.writeTo(out);
    assertArrayEquals(f.toBytes(), out.toByteArray());
    ByteArrayOutputStream init = new ByteArrayOutputStream();
    new InitSegment(AUDIO).writeTo(init);
    assertArrayEquals(new InitSegment(AUDIO).toBytes(), init.toByteArray());
  }

  @Test
  void segmentIsStypPlusParts() throws Exception {
    List<Sample> samples = audioSamples(0, 45); // 0.96 s at 48 kHz
    MediaSegment seg = MediaSegment.of(2, 10, samples, 16_000); // 1/3 s parts
    assertEquals(3, seg.fragments().size());
    assertEquals(15 * 1024, seg.fragments().get(0).duration()); // 15 frames fit in 16000 ticks
    assertEquals(10, seg.fragments().get(0).sequenceNumber());
    assertEquals(13, seg.nextSequenceNumber());
    assertEquals(45 * 1024, seg.duration());

    byte[] bytes = seg.toBytes();
    ByteArrayOutputStream cat = new ByteArrayOutputStream();
    cat.write(MediaSegment.styp());
    for (byte[] part : seg.partBytes()) {
      cat.write(part);
    }
    assertArrayEquals(bytes, cat.toByteArray());

    List<Box> top = BoxReader.parse(bytes);
    assertEquals(
        List.of("styp", "moof", "mdat", "moof", "mdat", "moof", "mdat"),
        top.stream().map(Box::type).toList());
    ByteBuffer styp = top.get(0).payload();
    assertEquals("cmfs", BoxReader.fourcc(styp));
    // Each part's tfdt continues where the previous ended.
    long expected = 0;
    for (int i = 1; i < top.size(); i += 2) {
      Box traf = top.get(i).child("traf");
      assertEquals(expected, traf.child("tfdt").payload().getLong(4));
      expected += seg.fragments().get(i / 2).duration();
    }
  }

  @Test
  void independentPartsFollowSyncSamples() {
    List<Sample> samples = new ArrayList<>(videoSamples(0));
    samples.addAll(videoSamples(12_000));
    MediaSegment seg = MediaSegment.of(1, 1, samples, 6_000);
    assertEquals(4, seg.fragments().size());
    assertEquals(
        List.of(true, false, true, false),
        seg.fragments().stream().map(Fragment::independent).toList());
    assertTrue(seg.independent());
  }

  @Test
  void oversizedSampleGetsItsOwnPart() {
    MediaSegment seg =
        MediaSegment.of(
            2,
            1,
            List.of(
                new Sample(0, 50_000, 0, true, new byte[1]),
                new Sample(50_000, 10, 0, true, new byte[1])),
            16_000);
    assertEquals(2, seg.fragments().size());
  }

  @Test
  void rejectsInvalidInput() {
    List<Sample> gap =
        List.of(
            new Sample(0, 1024, 0, true, new byte[1]),
            new Sample(2000, 1024, 0, true, new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> new Fragment(1, 1, gap));
    assertThrows(IllegalArgumentException.class, () -> new Fragment(1, 1, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Fragment(0, 1, audioSamples(0, 1)));
    assertThrows(
        IllegalArgumentException.class, () -> new Fragment(1, 1L << 32, audioSamples(0, 1)));
    assertThrows(IllegalArgumentException.class, () -> new Sample(-1, 1, 0, true, new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> new Sample(0, -1, 0, true, new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> TrackInfo.h264(1, 320, 240, ASC));
    assertThrows(IllegalArgumentException.class, () -> TrackInfo.h264(1, 0, 240, AVCC));
    assertThrows(IllegalArgumentException.class, () -> TrackInfo.aac(1, 48_000, 2, new byte[1]));
    Fragment a = new Fragment(2, 5, audioSamples(0, 2));
    Fragment b = new Fragment(2, 5, audioSamples(2048, 2));
    assertThrows(IllegalArgumentException.class, () -> new MediaSegment(List.of(a, b)));
    Fragment c = new Fragment(2, 6, audioSamples(4096, 2)); // gap after a
    assertThrows(IllegalArgumentException.class, () -> new MediaSegment(List.of(a, c)));
    Fragment d = new Fragment(1, 6, audioSamples(2048, 2)); // other track
    assertThrows(IllegalArgumentException.class, () -> new MediaSegment(List.of(a, d)));
  }

  @Test
  void valuesAreImmutable() {
    byte[] data = {1, 2, 3};
    Sample s = new Sample(0, 1, 0, true, data);
    data[0] = 9;
    assertEquals(1, s.data()[0]);
    s.data()[1] = 9;
    assertEquals(2, s.data()[1]);
    byte[] cfg = AVCC.clone();
    TrackInfo t = TrackInfo.h264(1, 320, 240, cfg);
    cfg[1] = 0;
    assertEquals(VIDEO, t);
    assertEquals(VIDEO.hashCode(), t.hashCode());
    List<Sample> list = new ArrayList<>(audioSamples(0, 2));
    Fragment f = new Fragment(1, 1, list);
    list.clear();
    assertEquals(2, f.samples().size());
    assertThrows(UnsupportedOperationException.class, () -> f.samples().clear());
  }

  @Test
  void codecsStrings() {
    assertEquals("avc1.64000d", Codecs.avc1(AVCC));
    assertEquals("avc1.64000d", VIDEO.codecs());
    assertEquals("avc1.42c01e", Codecs.avc1(new byte[] {1, 0x42, (byte) 0xC0, 0x1E}));
    assertEquals("mp4a.40.2", Codecs.mp4a(ASC));
    assertEquals("mp4a.40.2", AUDIO.codecs());
    assertEquals("mp4a.40.5", Codecs.mp4a(new byte[] {0x2B, (byte) 0x92})); // HE-AAC
    // Escape: object type 31 + 6 bits; 0xF8 0x20 -> 32 + 1 = 33.
    assertEquals(33, Codecs.audioObjectType(new byte[] {(byte) 0xF8, 0x20}));
  }
}
