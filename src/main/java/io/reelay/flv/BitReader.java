package io.reelay.flv;

/** MSB-first bit reader with exp-Golomb support; every read is bounds-checked. */
final class BitReader {
  private final byte[] data;
  private final int end;
  private long bitPos;

  BitReader(byte[] data, int offset, int length) {
    this.data = data;
    this.end = offset + length;
    this.bitPos = (long) offset * 8;
  }

  int readBit() {
    if (bitPos >= (long) end * 8) {
      throw new FlvException("bitstream truncated");
    }
    int b = (data[(int) (bitPos >>> 3)] >> (7 - (int) (bitPos & 7))) & 1;
    bitPos++;
    return b;
  }

  boolean readFlag() {
    return readBit() == 1;
  }

  int readBits(int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 1) | readBit();
    }
    return v;
  }

  void skipBits(int n) {
    for (int i = 0; i < n; i++) {
      readBit();
    }
  }

  /** Unsigned exp-Golomb ue(v); values beyond 32 bits are malformed in every syntax we read. */
  int readUe() {
    int zeros = 0;
    while (readBit() == 0) {
      zeros++;
      if (zeros > 31) {
        throw new FlvException("exp-Golomb code too long");
      }
    }
    long value = (1L << zeros) - 1 + readBits(zeros);
    if (value > Integer.MAX_VALUE) {
      throw new FlvException("exp-Golomb value out of range");
    }
    return (int) value;
  }

  /** Signed exp-Golomb se(v). */
  int readSe() {
    int k = readUe();
    return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
  }
}
