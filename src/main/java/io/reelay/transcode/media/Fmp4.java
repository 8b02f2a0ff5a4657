package io.reelay.transcode.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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

  /** A top-level box: where it starts and how long it is, header included. */
  record Box(String type, long offset, long size) {}

  /**
   * Where the parts of a fragmented MP4 lie: the init ends at the first moof; a fragment is its
   * moof box and the bytes after it (the mdat) up to the next moof, the mfra trailer, or the end.
   */
  record Layout(long initEnd, List<Fragment> fragments) {}

  record Fragment(long offset, long moofSize, long end) {}

  /** Largest moof we read into the heap: x264's are a few kB (16 bytes per sample). */
  private static final int MAX_MOOF_BYTES = 1 << 20;

  static Split split(byte[] file) throws MediaException {
    Layout layout = layout(boxes(ByteBuffer.wrap(file)));
    byte[] init = java.util.Arrays.copyOfRange(file, 0, (int) layout.initEnd());
    List<byte[]> frags = new ArrayList<>();
    for (Fragment f : layout.fragments()) {
      frags.add(java.util.Arrays.copyOfRange(file, (int) f.offset(), (int) f.end()));
    }
    return new Split(init, frags);
  }

  static Layout layout(List<Box> boxes) throws MediaException {
    List<Box> bounds = new ArrayList<>();
    for (Box b : boxes) {
      if (b.type().equals("moof") || b.type().equals("mfra")) {
        bounds.add(b); // mfra: the trailer ends the last fragment and belongs to none
      }
    }
    if (bounds.isEmpty() || !bounds.get(0).type().equals("moof")) {
      throw new MediaException("encoder output contains no fragments");
    }
    Box last = boxes.get(boxes.size() - 1);
    long length = last.offset() + last.size();
    List<Fragment> fragments = new ArrayList<>();
    for (int i = 0; i < bounds.size(); i++) {
      Box b = bounds.get(i);
      if (b.type().equals("moof")) {
        long end = i + 1 < bounds.size() ? bounds.get(i + 1).offset() : length;
        fragments.add(new Fragment(b.offset(), b.size(), end));
      }
    }
    return new Layout(bounds.get(0).offset(), fragments);
  }

  /** The top-level boxes of an in-heap file. */
  static List<Box> boxes(ByteBuffer file) throws MediaException {
    List<Box> boxes = new ArrayList<>();
    long off = 0;
    while (off + 8 <= file.limit()) {
      Box b = box(file.slice((int) off, (int) Math.min(16, file.limit() - off)), off, file.limit());
      boxes.add(b);
      off += b.size();
    }
    return boxes;
  }

  /** The top-level boxes of a file, from their headers only: the payloads stay on disk. */
  static List<Box> boxes(FileChannel file) throws IOException, MediaException {
    List<Box> boxes = new ArrayList<>();
    long length = file.size();
    long off = 0;
    ByteBuffer header = ByteBuffer.allocate(16);
    while (off + 8 <= length) {
      header.clear().limit((int) Math.min(16, length - off));
      readFully(file, header, off);
      Box b = box(header.flip(), off, length);
      boxes.add(b);
      off += b.size();
    }
    return boxes;
  }

  /**
   * Reads {@code size} bytes at {@code offset}; for box bodies we need in the heap (moof, init).
   */
  static byte[] read(FileChannel file, long offset, long size) throws IOException, MediaException {
    if (size > MAX_MOOF_BYTES * 16L) {
      throw new MediaException("MP4 box of " + size + " bytes at " + offset + " is implausible");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    readFully(file, buf, offset);
    return buf.array();
  }

  private static void readFully(FileChannel file, ByteBuffer buf, long offset) throws IOException {
    while (buf.hasRemaining()) {
      if (file.read(buf, offset + buf.position()) < 0) {
        throw new java.io.EOFException("MP4 ends inside a box at " + offset);
      }
    }
  }

  /** Parses the box header at the start of {@code header} (8 or 16 bytes). */
  private static Box box(ByteBuffer header, long offset, long length) throws MediaException {
    long size = header.getInt(0) & 0xFFFFFFFFL;
    String type =
        new String(
            new byte[] {header.get(4), header.get(5), header.get(6), header.get(7)},
            java.nio.charset.StandardCharsets.ISO_8859_1);
    if (size == 1 && header.limit() >= 16) {
      size = header.getLong(8);
    } else if (size == 0) {
      size = length - offset;
    }
    if (size < 8 || offset + size > length) {
      throw new MediaException("malformed MP4 box '" + type + "' at " + offset);
    }
    if (type.equals("moof") && size > MAX_MOOF_BYTES) {
      throw new MediaException("moof of " + size + " bytes at " + offset + " is implausible");
    }
    return new Box(type, offset, size);
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
