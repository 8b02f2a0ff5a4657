package io.reelay.cmaf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Growable big-endian byte buffer with ISO BMFF box nesting. Box sizes are back-patched on {@link
 * #end}, so callers never compute sizes by hand for the (small) header boxes.
 */
final class BoxWriter {
  /** Largest array the JVM reliably allocates; also keeps every 32-bit box size in range. */
  static final int MAX_SIZE = Integer.MAX_VALUE - 16;

  private byte[] buf;
  private int pos;

  BoxWriter(int initialCapacity) {
    buf = new byte[Math.max(64, initialCapacity)];
  }

  int position() {
    return pos;
  }

  /** Opens a box and returns its start offset, to be passed to {@link #end}. */
  int begin(String type) {
    int start = pos;
    u32(0); // size placeholder
    fourcc(type);
    return start;
  }

  /** Opens a full box (version + 24-bit flags). */
  int beginFull(String type, int version, int flags) {
    int start = begin(type);
    u8(version);
    u24(flags);
    return start;
  }

  void end(int start) {
    int size = pos - start;
    putU32At(start, size);
  }

  void u8(int v) {
    ensure(1);
    buf[pos++] = (byte) v;
  }

  void u16(int v) {
    ensure(2);
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
  }

  void u24(int v) {
    ensure(3);
    buf[pos++] = (byte) (v >>> 16);
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
  }

  void u32(long v) {
    ensure(4);
    putU32At(pos, v);
    pos += 4;
  }

  void u64(long v) {
    u32(v >>> 32);
    u32(v & 0xFFFFFFFFL);
  }

  void zeros(int n) {
    ensure(n);
    pos += n; // array is zero-filled on allocation and never reused
  }

  void bytes(byte[] b) {
    bytes(b, 0, b.length);
  }

  void bytes(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, pos, len);
    pos += len;
  }

  void fourcc(String type) {
    if (type.length() != 4) {
      throw new IllegalArgumentException("fourcc must be 4 chars: " + type);
    }
    bytes(type.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The written bytes; returns the backing array without copying when it is exactly full. */
  byte[] toByteArray() {
    return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
  }

  private void putU32At(int at, long v) {
    buf[at] = (byte) (v >>> 24);
    buf[at + 1] = (byte) (v >>> 16);
    buf[at + 2] = (byte) (v >>> 8);
    buf[at + 3] = (byte) v;
  }

  private void ensure(int n) {
    long need = (long) pos + n;
    if (need > MAX_SIZE) {
      throw new IllegalStateException("box data exceeds " + MAX_SIZE + " bytes");
    }
    if (need > buf.length) {
      buf = Arrays.copyOf(buf, (int) Math.min(MAX_SIZE, Math.max(need, 2L * buf.length)));
    }
  }
}
