package io.reelay.transcode.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the packagers need to know about a finished CMAF file without decoding it: track timescale,
 * decode time and duration of a segment, and the byte range of its first (IDR) sample for I-frame
 * playlists. A public face over the package-private box walker.
 */
public final class SegmentFacts {
  private SegmentFacts() {}

  /** Timing and size of one media segment, in its track's timescale. */
  public record Facts(long baseDecodeTime, long durationTicks, long firstSampleEnd) {}

  /**
   * What an init segment declares about its (single) track.
   *
   * @param codec RFC 6381 codec string ({@code avc1.PPCCLL} or {@code mp4a.40.N})
   * @param width coded width of a video track, 0 for audio
   * @param height coded height of a video track, 0 for audio
   * @param sampleRate audio sample rate, 0 for video
   * @param channels audio channel count, 0 for video
   */
  public record Track(
      boolean video,
      String codec,
      long timescale,
      int width,
      int height,
      int sampleRate,
      int channels) {}

  /** Reads the sample entry of an init segment's track (avc1 or mp4a). */
  public static Track track(byte[] init) throws MediaException {
    long timescale = Fmp4.timescale(init);
    int stsd = Fmp4.find(init, 0, init.length, "moov", "trak", "mdia", "minf", "stbl", "stsd");
    if (stsd < 0 || stsd + 16 + 36 > init.length) {
      throw new MediaException("init segment without a sample description");
    }
    ByteBuffer bb = ByteBuffer.wrap(init);
    int entry = stsd + 16; // full box header + entry_count
    String type = new String(init, entry + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (type.equals("avc1") || type.equals("avc3")) {
      // VisualSampleEntry: 8 header, 6 reserved, 2 index, 16 pre-defined/reserved, then size.
      return new Track(
          true,
          Fmp4.avcCodecString(init),
          timescale,
          bb.getShort(entry + 32) & 0xFFFF,
          bb.getShort(entry + 34) & 0xFFFF,
          0,
          0);
    }
    if (type.equals("mp4a")) {
      // AudioSampleEntry: 8 header, 8 reserved + index, 8 reserved, channels, size, 4, rate 16.16.
      int channels = bb.getShort(entry + 24) & 0xFFFF;
      int rate = bb.getShort(entry + 32) & 0xFFFF;
      return new Track(
          false, "mp4a.40." + audioObjectType(init, entry), timescale, 0, 0, rate, channels);
    }
    throw new MediaException("unsupported sample entry " + type);
  }

  /** The object type of the AudioSpecificConfig in the esds (ES → DecoderConfig → tag 5). */
  private static int audioObjectType(byte[] init, int from) {
    int esds = -1;
    for (int i = from; i + 4 < init.length && esds < 0; i++) {
      if (init[i] == 'e' && init[i + 1] == 's' && init[i + 2] == 'd' && init[i + 3] == 's') {
        esds = i + 8; // after the type and the full box's version/flags
      }
    }
    int p = esds;
    // ES_Descriptor (3): ES_ID + flags; DecoderConfigDescriptor (4): 13 fixed bytes; then 5.
    int[] skips = {3, 13};
    for (int level = 0; p > 0 && level < 3 && p < init.length; level++) {
      int tag = init[p++] & 0xFF;
      while (p < init.length && (init[p] & 0x80) != 0) {
        p++; // variable-length size bytes
      }
      p++;
      if (level == 2) {
        if (tag == 5 && p < init.length) {
          int aot = (init[p] & 0xFF) >> 3;
          return aot > 0 && aot < 31 ? aot : 2;
        }
        break;
      }
      p += skips[level];
    }
    return 2; // AAC-LC: what every encoder we ingest sends
  }

  public static long timescale(byte[] init) throws MediaException {
    return Fmp4.timescale(init);
  }

  /**
   * @return tfdt of the first moof, the summed sample durations of every moof, and the offset just
   *     past the first sample's data (the moof, the mdat header and the IDR: an I-frame byte range)
   */
  public static Facts of(byte[] segment) throws MediaException {
    int moof = Fmp4.find(segment, 0, segment.length, "moof");
    if (moof < 0) {
      throw new MediaException("segment without moof");
    }
    long moofSize = ByteBuffer.wrap(segment).getInt(moof) & 0xFFFFFFFFL;
    byte[] first =
        java.util.Arrays.copyOfRange(
            segment, moof, (int) Math.min(segment.length, moof + moofSize));
    long tfdt = Fmp4.tfdt(first);
    return new Facts(
        tfdt, Fmp4.segmentDuration(segment), moof + firstSampleEnd(first, segment.length));
  }

  /** As {@link #of(byte[])}, reading only the box headers and moofs of the file. */
  public static Facts of(Path segment) throws IOException, MediaException {
    try (FileChannel file = FileChannel.open(segment, StandardOpenOption.READ)) {
      long length = file.size();
      byte[] first = null;
      long firstOffset = 0;
      long duration = 0;
      for (Fmp4.Box b : Fmp4.boxes(file)) {
        if (b.type().equals("moof")) {
          byte[] moof = Fmp4.read(file, b.offset(), b.size());
          duration += Fmp4.fragmentDuration(moof);
          if (first == null) {
            first = moof;
            firstOffset = b.offset();
          }
        }
      }
      if (first == null) {
        throw new MediaException("segment without moof");
      }
      return new Facts(Fmp4.tfdt(first), duration, firstOffset + firstSampleEnd(first, length));
    }
  }

  /** Offset (relative to the moof) just past the first sample, from trun data_offset + size. */
  private static long firstSampleEnd(byte[] moof, long whole) throws MediaException {
    int trun = Fmp4.find(moof, 0, moof.length, "moof", "traf", "trun");
    int tfhd = Fmp4.find(moof, 0, moof.length, "moof", "traf", "tfhd");
    if (trun < 0 || tfhd < 0) {
      throw new MediaException("fragment without trun/tfhd");
    }
    ByteBuffer bb = ByteBuffer.wrap(moof);
    int flags = bb.getInt(trun + 8) & 0xFFFFFF;
    if ((flags & 0x01) == 0) {
      return whole; // no data offset: fall back to the whole segment
    }
    long dataOffset = bb.getInt(trun + 16);
    int p = trun + 20 + ((flags & 0x04) != 0 ? 4 : 0);
    if ((flags & 0x100) != 0) {
      p += 4;
    }
    long size;
    if ((flags & 0x200) != 0) {
      size = bb.getInt(p) & 0xFFFFFFFFL;
    } else {
      int tfhdFlags = bb.getInt(tfhd + 8) & 0xFFFFFF;
      int q = tfhd + 16 + ((tfhdFlags & 0x01) != 0 ? 8 : 0) + ((tfhdFlags & 0x02) != 0 ? 4 : 0);
      q += (tfhdFlags & 0x08) != 0 ? 4 : 0;
      if ((tfhdFlags & 0x10) == 0) {
        return whole;
      }
      size = bb.getInt(q) & 0xFFFFFFFFL;
    }
    return Math.min(whole, dataOffset + size);
  }
}
