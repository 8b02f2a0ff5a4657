package io.reelay.transcode.media;

import java.nio.ByteBuffer;

/**
 * What the packagers need to know about a finished CMAF file without decoding it: track timescale,
 * decode time and duration of a segment, and the byte range of its first (IDR) sample for I-frame
 * playlists. A public face over the package-private box walker.
 */
public final class SegmentFacts {
  private SegmentFacts() {}

  /** Timing and size of one media segment, in its track's timescale. */
  public record Facts(long baseDecodeTime, long durationTicks, long firstSampleEnd) {}

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
    return new Facts(tfdt, Fmp4.segmentDuration(segment), moof + firstSampleEnd(first, segment));
  }

  /** Offset (relative to the moof) just past the first sample, from trun data_offset + size. */
  private static long firstSampleEnd(byte[] moof, byte[] whole) throws MediaException {
    int trun = Fmp4.find(moof, 0, moof.length, "moof", "traf", "trun");
    int tfhd = Fmp4.find(moof, 0, moof.length, "moof", "traf", "tfhd");
    if (trun < 0 || tfhd < 0) {
      throw new MediaException("fragment without trun/tfhd");
    }
    ByteBuffer bb = ByteBuffer.wrap(moof);
    int flags = bb.getInt(trun + 8) & 0xFFFFFF;
    if ((flags & 0x01) == 0) {
      return whole.length; // no data offset: fall back to the whole segment
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
        return whole.length;
      }
      size = bb.getInt(q) & 0xFFFFFFFFL;
    }
    return Math.min(whole.length, dataOffset + size);
  }
}
