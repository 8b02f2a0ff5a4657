package io.reelay.transcode.media;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the samples of every moof+mdat pair in a fragmented MP4 byte range (a CMAF segment or an
 * encoder's fragmented output): decode time, duration, composition offset, sync flag and where the
 * sample's bytes are. Single-track files only, as everything Reelay writes.
 */
final class FragmentSamples {
  private FragmentSamples() {}

  /** One sample; {@code offset}/{@code size} locate its bytes in the array it was read from. */
  record Entry(
      long decodeTime, int duration, int compositionOffset, boolean sync, int offset, int size) {
    long presentationTime() {
      return decodeTime + compositionOffset;
    }
  }

  static List<Entry> read(byte[] b) throws MediaException {
    List<Entry> out = new ArrayList<>();
    ByteBuffer bb = ByteBuffer.wrap(b);
    int off = 0;
    while (off + 8 <= b.length) {
      long size = bb.getInt(off) & 0xFFFFFFFFL;
      if (size < 8 || off + size > b.length) {
        throw new MediaException("malformed MP4 box at " + off);
      }
      if (Fmp4.find(b, off, off + (int) size, "moof") == off) {
        readMoof(b, bb, off, off + (int) size, out);
      }
      off += (int) size;
    }
    return out;
  }

  private static void readMoof(byte[] b, ByteBuffer bb, int moof, int end, List<Entry> out)
      throws MediaException {
    int tfhd = Fmp4.find(b, moof, end, "moof", "traf", "tfhd");
    int tfdt = Fmp4.find(b, moof, end, "moof", "traf", "tfdt");
    int trun = Fmp4.find(b, moof, end, "moof", "traf", "trun");
    if (tfhd < 0 || trun < 0) {
      throw new MediaException("fragment without tfhd/trun");
    }
    int tfhdFlags = bb.getInt(tfhd + 8) & 0xFFFFFF;
    int p = tfhd + 16;
    long base = moof;
    if ((tfhdFlags & 0x01) != 0) {
      base = bb.getLong(p);
      p += 8;
    }
    if ((tfhdFlags & 0x02) != 0) {
      p += 4;
    }
    int defaultDuration = 0;
    int defaultSize = 0;
    int defaultFlags = 0;
    if ((tfhdFlags & 0x08) != 0) {
      defaultDuration = bb.getInt(p);
      p += 4;
    }
    if ((tfhdFlags & 0x10) != 0) {
      defaultSize = bb.getInt(p);
      p += 4;
    }
    if ((tfhdFlags & 0x20) != 0) {
      defaultFlags = bb.getInt(p);
    }
    long time = 0;
    if (tfdt >= 0) {
      time = b[tfdt + 8] == 1 ? bb.getLong(tfdt + 12) : bb.getInt(tfdt + 12) & 0xFFFFFFFFL;
    }
    int flags = bb.getInt(trun + 8) & 0xFFFFFF;
    int count = bb.getInt(trun + 12);
    p = trun + 16;
    long dataOffset = base;
    if ((flags & 0x01) != 0) {
      dataOffset = base + bb.getInt(p);
      p += 4;
    }
    Integer firstFlags = null;
    if ((flags & 0x04) != 0) {
      firstFlags = bb.getInt(p);
      p += 4;
    }
    for (int i = 0; i < count; i++) {
      int duration = defaultDuration;
      int sampleSize = defaultSize;
      int sampleFlags = i == 0 && firstFlags != null ? firstFlags : defaultFlags;
      int cts = 0;
      if ((flags & 0x100) != 0) {
        duration = bb.getInt(p);
        p += 4;
      }
      if ((flags & 0x200) != 0) {
        sampleSize = bb.getInt(p);
        p += 4;
      }
      if ((flags & 0x400) != 0) {
        int f = bb.getInt(p);
        p += 4;
        if (!(i == 0 && firstFlags != null)) {
          sampleFlags = f;
        }
      }
      if ((flags & 0x800) != 0) {
        cts = bb.getInt(p); // version 1 is signed; version 0 offsets stay far below 2^31
        p += 4;
      }
      if (dataOffset + sampleSize > b.length) {
        throw new MediaException("sample data beyond the end of the fragment");
      }
      boolean sync = (sampleFlags & 0x10000) == 0;
      out.add(new Entry(time, duration, cts, sync, (int) dataOffset, sampleSize));
      time += duration & 0xFFFFFFFFL;
      dataOffset += sampleSize;
    }
  }
}
