package io.reelay.cmaf;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * CMAF header ({@code ftyp} + {@code moov}) for one track. The sample tables are empty because all
 * samples live in movie fragments; {@code mvex/trex} announces that.
 */
public record InitSegment(TrackInfo track) {

  /** Major brand; ISO BMFF v6 covers tfdt v1 and trun v1 (signed composition offsets). */
  static final String MAJOR_BRAND = "iso6";

  static final String[] COMPATIBLE_BRANDS = {"iso6", "cmfc", "mp41", "dash"};

  private static final int[] UNITY_MATRIX = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};

  public InitSegment {
    Objects.requireNonNull(track, "track");
  }

  public byte[] toBytes() {
    BoxWriter w = new BoxWriter(768 + track.configRef().length);
    writeFtyp(w);
    writeMoov(w);
    return w.toByteArray();
  }

  public void writeTo(OutputStream out) throws IOException {
    out.write(toBytes());
  }

  private static void writeFtyp(BoxWriter w) {
    int ftyp = w.begin("ftyp");
    w.fourcc(MAJOR_BRAND);
    w.u32(0); // minor version
    for (String b : COMPATIBLE_BRANDS) {
      w.fourcc(b);
    }
    w.end(ftyp);
  }

  private void writeMoov(BoxWriter w) {
    int moov = w.begin("moov");
    writeMvhd(w);
    writeTrak(w);
    int mvex = w.begin("mvex");
    int trex = w.beginFull("trex", 0, 0);
    w.u32(track.trackId());
    w.u32(1); // default_sample_description_index
    w.u32(0); // default_sample_duration: every trun carries its own
    w.u32(0); // default_sample_size
    w.u32(0); // default_sample_flags
    w.end(trex);
    w.end(mvex);
    w.end(moov);
  }

  private void writeMvhd(BoxWriter w) {
    int mvhd = w.beginFull("mvhd", 0, 0);
    w.u32(0); // creation_time
    w.u32(0); // modification_time
    w.u32(track.timescale());
    w.u32(0); // duration unknown: live / fragmented
    w.u32(0x00010000); // rate 1.0
    w.u16(0x0100); // volume 1.0
    w.zeros(2 + 8); // reserved
    matrix(w);
    w.zeros(6 * 4); // pre_defined
    w.u32(track.trackId() + 1L); // next_track_ID
    w.end(mvhd);
  }

  private void writeTrak(BoxWriter w) {
    int trak = w.begin("trak");
    // flags: track_enabled | track_in_movie
    int tkhd = w.beginFull("tkhd", 0, 0x000003);
    w.u32(0); // creation_time
    w.u32(0); // modification_time
    w.u32(track.trackId());
    w.u32(0); // reserved
    w.u32(0); // duration
    w.zeros(8); // reserved
    w.u16(0); // layer
    w.u16(0); // alternate_group
    w.u16(track.isVideo() ? 0 : 0x0100); // volume: only audio is audible
    w.u16(0); // reserved
    matrix(w);
    w.u32((long) track.width() << 16); // 16.16 fixed point
    w.u32((long) track.height() << 16);
    w.end(tkhd);

    int mdia = w.begin("mdia");
    int mdhd = w.beginFull("mdhd", 0, 0);
    w.u32(0); // creation_time
    w.u32(0); // modification_time
    w.u32(track.timescale());
    w.u32(0); // duration
    w.u16(0x55C4); // language "und", packed ISO-639-2/T
    w.u16(0); // pre_defined
    w.end(mdhd);

    int hdlr = w.beginFull("hdlr", 0, 0);
    w.u32(0); // pre_defined
    w.fourcc(track.isVideo() ? "vide" : "soun");
    w.zeros(12); // reserved
    w.bytes(
        (track.isVideo() ? "VideoHandler\0" : "SoundHandler\0")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    w.end(hdlr);

    writeMinf(w);
    w.end(mdia);
    w.end(trak);
  }

  private void writeMinf(BoxWriter w) {
    int minf = w.begin("minf");
    if (track.isVideo()) {
      int vmhd = w.beginFull("vmhd", 0, 1); // flags=1 is mandated by the spec
      w.u16(0); // graphicsmode copy
      w.zeros(6); // opcolor
      w.end(vmhd);
    } else {
      int smhd = w.beginFull("smhd", 0, 0);
      w.u16(0); // balance
      w.u16(0); // reserved
      w.end(smhd);
    }
    int dinf = w.begin("dinf");
    int dref = w.beginFull("dref", 0, 0);
    w.u32(1); // entry_count
    int url = w.beginFull("url ", 0, 1); // flags=1: media is in this file
    w.end(url);
    w.end(dref);
    w.end(dinf);

    int stbl = w.begin("stbl");
    int stsd = w.beginFull("stsd", 0, 0);
    w.u32(1); // entry_count
    if (track.isVideo()) {
      writeAvc1(w);
    } else {
      writeMp4a(w);
    }
    w.end(stsd);
    // Empty tables: samples are described by the fragments.
    for (String type : new String[] {"stts", "stsc"}) {
      int b = w.beginFull(type, 0, 0);
      w.u32(0);
      w.end(b);
    }
    int stsz = w.beginFull("stsz", 0, 0);
    w.u32(0); // sample_size
    w.u32(0); // sample_count
    w.end(stsz);
    int stco = w.beginFull("stco", 0, 0);
    w.u32(0);
    w.end(stco);
    w.end(stbl);
    w.end(minf);
  }

  private void writeAvc1(BoxWriter w) {
    int avc1 = w.begin("avc1");
    w.zeros(6); // reserved
    w.u16(1); // data_reference_index
    w.u16(0); // pre_defined
    w.u16(0); // reserved
    w.zeros(12); // pre_defined
    w.u16(track.width());
    w.u16(track.height());
    w.u32(0x00480000); // 72 dpi
    w.u32(0x00480000);
    w.u32(0); // reserved
    w.u16(1); // frame_count
    w.zeros(32); // compressorname (empty Pascal string)
    w.u16(0x0018); // depth
    w.u16(0xFFFF); // pre_defined = -1
    int avcC = w.begin("avcC");
    w.bytes(track.configRef());
    w.end(avcC);
    w.end(avc1);
  }

  private void writeMp4a(BoxWriter w) {
    int mp4a = w.begin("mp4a");
    w.zeros(6); // reserved
    w.u16(1); // data_reference_index
    w.zeros(8); // reserved
    w.u16(track.channels());
    w.u16(16); // samplesize
    w.u16(0); // pre_defined
    w.u16(0); // reserved
    // 16.16 field cannot hold rates >= 65536; the AudioSpecificConfig is authoritative anyway.
    w.u32(track.sampleRate() <= 0xFFFF ? (long) track.sampleRate() << 16 : 0);
    writeEsds(w);
    w.end(mp4a);
  }

  private void writeEsds(BoxWriter w) {
    byte[] asc = track.configRef();
    int decSpecific = descriptorSize(asc.length);
    int decConfig = descriptorSize(13 + decSpecific);
    int slConfig = descriptorSize(1);
    int esds = w.beginFull("esds", 0, 0);
    descriptorHeader(w, 0x03, 3 + decConfig + slConfig); // ES_Descriptor
    w.u16(0); // ES_ID: unused in MP4
    w.u8(0); // no dependsOn/URL/OCR
    descriptorHeader(w, 0x04, 13 + decSpecific); // DecoderConfigDescriptor
    w.u8(0x40); // objectTypeIndication: MPEG-4 Audio
    w.u8((0x05 << 2) | 1); // streamType audio, upStream 0, reserved 1
    w.u24(0); // bufferSizeDB
    w.u32(0); // maxBitrate unknown (live)
    w.u32(0); // avgBitrate unknown (live)
    descriptorHeader(w, 0x05, asc.length); // DecoderSpecificInfo
    w.bytes(asc);
    descriptorHeader(w, 0x06, 1); // SLConfigDescriptor
    w.u8(0x02); // predefined: reserved for MP4
    w.end(esds);
  }

  /** Total size of a descriptor with the given payload length (tag + length field + payload). */
  private static int descriptorSize(int payload) {
    return 1 + lengthFieldSize(payload) + payload;
  }

  private static int lengthFieldSize(int len) {
    return len < 0x80 ? 1 : len < 0x4000 ? 2 : len < 0x200000 ? 3 : 4;
  }

  /** Tag plus the 7-bits-per-byte expandable length of ISO 14496-1. */
  private static void descriptorHeader(BoxWriter w, int tag, int len) {
    if (len >= 0x10000000) {
      throw new IllegalArgumentException("descriptor too large: " + len);
    }
    w.u8(tag);
    int n = lengthFieldSize(len);
    for (int i = n - 1; i >= 0; i--) {
      w.u8(((len >>> (7 * i)) & 0x7F) | (i > 0 ? 0x80 : 0));
    }
  }

  private static void matrix(BoxWriter w) {
    for (int v : UNITY_MATRIX) {
      w.u32(v & 0xFFFFFFFFL);
    }
  }
}
