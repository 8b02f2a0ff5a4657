package io.reelay.transcode.media;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal ISO-BMFF walking for the fragmented MP4 that libavformat writes: split init (ftyp+moov)
 * from moof+mdat fragments and patch per-fragment numbering and decode time.
 */
final class Fmp4 {
  private Fmp4() {}

  /** init = every box before the first moof; each fragment = a moof with its following boxes. */
  record Split(byte[] init, List<byte[]> fragments) {}

  static Split split(byte[] file) throws MediaException {
    int firstMoof = -1;
    List<Integer> moofs = new ArrayList<>();
    int off = 0;
    while (off + 8 <= file.length) {
      long size = boxSize(file, off);
      String type = type(file, off);
      if (size < 8 || off + size > file.length) {
        throw new MediaException("malformed MP4 box '" + type + "' at " + off);
      }
      if (type.equals("moof")) {
        moofs.add(off);
        if (firstMoof < 0) {
          firstMoof = off;
        }
      } else if (type.equals("mfra")) {
        moofs.add(off); // trailer: ends the last fragment, belongs to none
      }
      off += (int) size;
    }
    if (firstMoof < 0) {
      throw new MediaException("encoder output contains no fragments");
    }
    byte[] init = java.util.Arrays.copyOfRange(file, 0, firstMoof);
    List<byte[]> frags = new ArrayList<>();
    for (int i = 0; i < moofs.size(); i++) {
      int start = moofs.get(i);
      if (!type(file, start).equals("moof")) {
        continue;
      }
      int end = i + 1 < moofs.size() ? moofs.get(i + 1) : file.length;
      frags.add(java.util.Arrays.copyOfRange(file, start, end));
    }
    return new Split(init, frags);
  }

  /** Sets mfhd.sequence_number and tfdt.baseMediaDecodeTime of a single-track fragment. */
  static void patchFragment(byte[] frag, int sequenceNumber, long baseMediaDecodeTime)
      throws MediaException {
    int mfhd = find(frag, 0, frag.length, "moof", "mfhd");
    int tfdt = find(frag, 0, frag.length, "moof", "traf", "tfdt");
    if (mfhd < 0 || tfdt < 0) {
      throw new MediaException("fragment without mfhd/tfdt");
    }
    ByteBuffer bb = ByteBuffer.wrap(frag);
    bb.putInt(mfhd + 12, sequenceNumber);
    if (frag[tfdt + 8] == 1) {
      bb.putLong(tfdt + 12, baseMediaDecodeTime);
    } else {
      if (baseMediaDecodeTime > 0xFFFFFFFFL) {
        throw new MediaException("decode time does not fit a version 0 tfdt");
      }
      bb.putInt(tfdt + 12, (int) baseMediaDecodeTime);
    }
  }

  static long tfdt(byte[] frag) {
    int tfdt = find(frag, 0, frag.length, "moof", "traf", "tfdt");
    ByteBuffer bb = ByteBuffer.wrap(frag);
    return frag[tfdt + 8] == 1 ? bb.getLong(tfdt + 12) : bb.getInt(tfdt + 12) & 0xFFFFFFFFL;
  }

  /** Media timescale of the (single) track in an init segment. */
  static long timescale(byte[] init) throws MediaException {
    int mdhd = find(init, 0, init.length, "moov", "trak", "mdia", "mdhd");
    if (mdhd < 0) {
      throw new MediaException("init segment without mdhd");
    }
    ByteBuffer bb = ByteBuffer.wrap(init);
    return (init[mdhd + 8] == 1 ? bb.getInt(mdhd + 28) : bb.getInt(mdhd + 20)) & 0xFFFFFFFFL;
  }

  /** RFC 6381 codec string from the avcC record, e.g. {@code avc1.64001f}. */
  static String avcCodecString(byte[] init) throws MediaException {
    for (int i = 4; i + 8 < init.length; i++) {
      if (init[i] == 'a' && init[i + 1] == 'v' && init[i + 2] == 'c' && init[i + 3] == 'C') {
        return String.format(
            "avc1.%02x%02x%02x", init[i + 5] & 0xFF, init[i + 6] & 0xFF, init[i + 7] & 0xFF);
      }
    }
    throw new MediaException("init segment without avcC");
  }

  /** Sum of sample durations in a fragment (trun durations, else tfhd default). */
  static long fragmentDuration(byte[] frag) {
    int tfhd = find(frag, 0, frag.length, "moof", "traf", "tfhd");
    int trun = find(frag, 0, frag.length, "moof", "traf", "trun");
    ByteBuffer bb = ByteBuffer.wrap(frag);
    long defaultDuration = 0;
    int tfhdFlags = bb.getInt(tfhd + 8) & 0xFFFFFF;
    int p = tfhd + 16;
    if ((tfhdFlags & 0x01) != 0) {
      p += 8;
    }
    if ((tfhdFlags & 0x02) != 0) {
      p += 4;
    }
    if ((tfhdFlags & 0x08) != 0) {
      defaultDuration = bb.getInt(p) & 0xFFFFFFFFL;
    }
    int flags = bb.getInt(trun + 8) & 0xFFFFFF;
    int count = bb.getInt(trun + 12);
    if ((flags & 0x100) == 0) {
      return defaultDuration * count;
    }
    p = trun + 16 + ((flags & 0x01) != 0 ? 4 : 0) + ((flags & 0x04) != 0 ? 4 : 0);
    int stride = Integer.bitCount(flags & 0xF00) * 4;
    long sum = 0;
    for (int i = 0; i < count; i++, p += stride) {
      sum += bb.getInt(p) & 0xFFFFFFFFL;
    }
    return sum;
  }

  /** Total sample duration of every moof in a segment file (styp/sidx boxes are skipped). */
  static long segmentDuration(byte[] seg) {
    long sum = 0;
    int off = 0;
    while (off + 8 <= seg.length) {
      long size = boxSize(seg, off);
      if (size < 8 || off + size > seg.length) {
        break;
      }
      if (type(seg, off).equals("moof")) {
        sum += fragmentDuration(java.util.Arrays.copyOfRange(seg, off, (int) (off + size)));
      }
      off += (int) size;
    }
    return sum;
  }

  /** Offset of the box reached by following {@code path} from [from, to), or -1. */
  static int find(byte[] b, int from, int to, String... path) {
    int off = from;
    while (off + 8 <= to) {
      long size = boxSize(b, off);
      if (size < 8 || off + size > to) {
        return -1;
      }
      if (type(b, off).equals(path[0])) {
        if (path.length == 1) {
          return off;
        }
        String[] rest = java.util.Arrays.copyOfRange(path, 1, path.length);
        int hdr = ByteBuffer.wrap(b).getInt(off) == 1 ? 16 : 8;
        int r = find(b, off + hdr, off + (int) size, rest);
        if (r >= 0) {
          return r;
        }
      }
      off += (int) size;
    }
    return -1;
  }

  private static long boxSize(byte[] b, int off) {
    ByteBuffer bb = ByteBuffer.wrap(b);
    long size = bb.getInt(off) & 0xFFFFFFFFL;
    if (size == 1 && off + 16 <= b.length) {
      size = bb.getLong(off + 8);
    } else if (size == 0) {
      size = b.length - off;
    }
    return size;
  }

  private static String type(byte[] b, int off) {
    return new String(b, off + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
