package io.reelay.cmaf;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;

/**
 * One CMAF fragment/chunk: {@code moof} + {@code mdat} for a single track. Used both as an LL-HLS
 * part and as a building block of a {@link MediaSegment}.
 *
 * <p>Samples must be contiguous in decode time (each starts where the previous one's duration
 * ends), because trun stores only durations: a gap would silently shift every later sample.
 *
 * @param trackId track_ID from the matching {@link InitSegment}
 * @param sequenceNumber mfhd sequence_number; must increase from fragment to fragment
 * @param samples at least one sample, in decode order
 */
public record Fragment(int trackId, long sequenceNumber, List<Sample> samples) {

  // tfhd flags: default-base-is-moof, so trun data offsets are relative to this moof.
  private static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
  private static final int TRUN_DATA_OFFSET = 0x000001;
  private static final int TRUN_DURATION = 0x000100;
  private static final int TRUN_SIZE = 0x000200;
  private static final int TRUN_FLAGS = 0x000400;
  private static final int TRUN_CTO = 0x000800;
  // sample_depends_on=2 (independent), is_non_sync=0.
  static final int SYNC_SAMPLE_FLAGS = 0x02000000;
  // sample_depends_on=1 (depends on others), is_non_sync=1.
  static final int NON_SYNC_SAMPLE_FLAGS = 0x01010000;

  private static final int MFHD_SIZE = 16;
  private static final int TFHD_SIZE = 16;
  private static final int TFDT_SIZE = 20;
  private static final int TRUN_FIXED_SIZE = 20; // header, version/flags, count, data_offset

  public Fragment {
    Objects.requireNonNull(samples, "samples");
    if (trackId < 1) {
      throw new IllegalArgumentException("trackId must be >= 1: " + trackId);
    }
    if (sequenceNumber < 0 || sequenceNumber > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("sequenceNumber out of 32-bit range: " + sequenceNumber);
    }
    samples = List.copyOf(samples);
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("a fragment needs at least one sample");
    }
    long expected = samples.get(0).decodeTime();
    long dataSize = 0;
    for (Sample s : samples) {
      if (s.decodeTime() != expected) {
        throw new IllegalArgumentException(
            "sample decode time " + s.decodeTime() + " != previous end " + expected);
      }
      expected = s.endDecodeTime();
      dataSize += s.size();
    }
    if (headerSize(samples) + dataSize > BoxWriter.MAX_SIZE) {
      throw new IllegalArgumentException("fragment larger than " + BoxWriter.MAX_SIZE + " bytes");
    }
  }

  /** tfdt baseMediaDecodeTime: decode time of the first sample. */
  public long baseDecodeTime() {
    return samples.get(0).decodeTime();
  }

  /** Sum of sample durations, in track timescale units. */
  public long duration() {
    return endDecodeTime() - baseDecodeTime();
  }

  public long endDecodeTime() {
    return samples.get(samples.size() - 1).endDecodeTime();
  }

  /** True when the first sample is a sync sample: LL-HLS {@code INDEPENDENT=YES}. */
  public boolean independent() {
    return samples.get(0).sync();
  }

  /** Total encoded size in bytes ({@code moof} + {@code mdat}). */
  public int byteSize() {
    long size = headerSize(samples);
    for (Sample s : samples) {
      size += s.size();
    }
    return (int) size; // range checked in the constructor
  }

  public byte[] toBytes() {
    BoxWriter w = new BoxWriter(byteSize());
    writeInto(w);
    return w.toByteArray();
  }

  /** Appends the whole fragment; lets a segment render into one array with one payload copy. */
  void writeInto(BoxWriter w) {
    writeHeader(w, byteSize());
    for (Sample s : samples) {
      w.bytes(s.dataRef());
    }
  }

  /** Streams the fragment without building it in one array (payloads are not copied). */
  public void writeTo(OutputStream out) throws IOException {
    int header = headerSize(samples);
    BoxWriter w = new BoxWriter(header);
    writeHeader(w, byteSize());
    out.write(w.toByteArray());
    for (Sample s : samples) {
      s.writeDataTo(out);
    }
  }

  /** Writes {@code moof} and the {@code mdat} header; payload bytes follow. */
  private void writeHeader(BoxWriter w, int total) {
    boolean cto = hasCompositionOffsets(samples);
    int moofStart = w.position();
    int moof = w.begin("moof");
    int mfhd = w.beginFull("mfhd", 0, 0);
    w.u32(sequenceNumber);
    w.end(mfhd);
    int traf = w.begin("traf");
    int tfhd = w.beginFull("tfhd", 0, TFHD_DEFAULT_BASE_IS_MOOF);
    w.u32(trackId);
    w.end(tfhd);
    int tfdt = w.beginFull("tfdt", 1, 0); // version 1: 64-bit time never wraps
    w.u64(baseDecodeTime());
    w.end(tfdt);
    int trunFlags = TRUN_DATA_OFFSET | TRUN_DURATION | TRUN_SIZE | TRUN_FLAGS;
    // Version 1 makes composition offsets signed (B-frames after a shifted DTS).
    int trun = w.beginFull("trun", cto ? 1 : 0, cto ? trunFlags | TRUN_CTO : trunFlags);
    w.u32(samples.size());
    // data_offset from moof start to the first payload byte: moof size + mdat header.
    w.u32(moofSize(samples.size(), cto) + 8L);
    for (Sample s : samples) {
      w.u32(s.duration());
      w.u32(s.size());
      w.u32(s.sync() ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS);
      if (cto) {
        w.u32(s.compositionOffset() & 0xFFFFFFFFL);
      }
    }
    w.end(trun);
    w.end(traf);
    w.end(moof);
    if (w.position() - moofStart != moofSize(samples.size(), cto)) {
      throw new IllegalStateException("moof size mismatch"); // guards the size formula
    }
    w.u32(total - (w.position() - moofStart)); // mdat size
    w.fourcc("mdat");
  }

  private static boolean hasCompositionOffsets(List<Sample> samples) {
    for (Sample s : samples) {
      if (s.compositionOffset() != 0) {
        return true;
      }
    }
    return false;
  }

  private static long moofSize(int sampleCount, boolean cto) {
    long perSample = cto ? 16 : 12;
    return 8 + MFHD_SIZE + 8 + TFHD_SIZE + TFDT_SIZE + TRUN_FIXED_SIZE + sampleCount * perSample;
  }

  /** moof + mdat header bytes, i.e. everything except payloads. */
  private static int headerSize(List<Sample> samples) {
    long size = moofSize(samples.size(), hasCompositionOffsets(samples)) + 8;
    if (size > BoxWriter.MAX_SIZE) {
      throw new IllegalArgumentException("too many samples: " + samples.size());
    }
    return (int) size;
  }

  @Override
  public String toString() {
    return String.format(
        "Fragment[track=%d seq=%d base=%d dur=%d samples=%d%s]",
        trackId,
        sequenceNumber,
        baseDecodeTime(),
        duration(),
        samples.size(),
        independent() ? " independent" : "");
  }
}
