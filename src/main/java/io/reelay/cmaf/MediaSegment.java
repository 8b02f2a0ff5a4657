package io.reelay.cmaf;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * CMAF segment: {@code styp} followed by one or more {@link Fragment}s of the same track.
 *
 * <p>The segment bytes are exactly {@link #styp()} followed by each fragment's {@link
 * Fragment#toBytes()} in order, so a live packager can publish every fragment as an LL-HLS part the
 * moment it is complete and later serve the full segment by concatenating the same bytes.
 *
 * @param fragments the parts, in order, contiguous in decode time, increasing sequence numbers
 */
public record MediaSegment(List<Fragment> fragments) {

  private static final byte[] STYP = buildStyp();

  public MediaSegment {
    Objects.requireNonNull(fragments, "fragments");
    fragments = List.copyOf(fragments);
    if (fragments.isEmpty()) {
      throw new IllegalArgumentException("a segment needs at least one fragment");
    }
    Fragment prev = null;
    long total = STYP.length;
    for (Fragment f : fragments) {
      if (prev != null) {
        if (f.trackId() != prev.trackId()) {
          throw new IllegalArgumentException("fragments of different tracks in one segment");
        }
        if (f.sequenceNumber() <= prev.sequenceNumber()) {
          throw new IllegalArgumentException("sequence numbers must increase");
        }
        if (f.baseDecodeTime() != prev.endDecodeTime()) {
          throw new IllegalArgumentException("gap between fragments at " + prev.endDecodeTime());
        }
      }
      total += f.byteSize();
      prev = f;
    }
    if (total > BoxWriter.MAX_SIZE) {
      throw new IllegalArgumentException("segment larger than " + BoxWriter.MAX_SIZE + " bytes");
    }
  }

  /**
   * Splits samples into parts of at most {@code maxPartDuration} ticks each (a single longer sample
   * still gets a part of its own). Sequence numbers count up from {@code firstSequenceNumber}.
   */
  public static MediaSegment of(
      int trackId, long firstSequenceNumber, List<Sample> samples, long maxPartDuration) {
    if (maxPartDuration < 1) {
      throw new IllegalArgumentException("maxPartDuration must be >= 1");
    }
    List<Fragment> parts = new ArrayList<>();
    List<Sample> current = new ArrayList<>();
    long currentDuration = 0;
    long seq = firstSequenceNumber;
    for (Sample s : samples) {
      if (!current.isEmpty() && currentDuration + s.duration() > maxPartDuration) {
        parts.add(new Fragment(trackId, seq++, current));
        current = new ArrayList<>();
        currentDuration = 0;
      }
      current.add(s);
      currentDuration += s.duration();
    }
    if (!current.isEmpty()) {
      parts.add(new Fragment(trackId, seq, current));
    }
    return new MediaSegment(parts);
  }

  /** Segment made of a single fragment holding all samples. */
  public static MediaSegment of(int trackId, long sequenceNumber, List<Sample> samples) {
    return new MediaSegment(List.of(new Fragment(trackId, sequenceNumber, samples)));
  }

  /** The {@code styp} box that starts every segment (a fresh copy). */
  public static byte[] styp() {
    return STYP.clone();
  }

  public long baseDecodeTime() {
    return fragments.get(0).baseDecodeTime();
  }

  public long endDecodeTime() {
    return fragments.get(fragments.size() - 1).endDecodeTime();
  }

  public long duration() {
    return endDecodeTime() - baseDecodeTime();
  }

  /** True when the segment starts with a sync sample, as HLS requires for every segment. */
  public boolean independent() {
    return fragments.get(0).independent();
  }

  /** Sequence number to use for the first fragment of the next segment. */
  public long nextSequenceNumber() {
    return fragments.get(fragments.size() - 1).sequenceNumber() + 1;
  }

  /** Encoded bytes of each part, in order; styp + concatenation equals {@link #toBytes()}. */
  public List<byte[]> partBytes() {
    List<byte[]> out = new ArrayList<>(fragments.size());
    for (Fragment f : fragments) {
      out.add(f.toBytes());
    }
    return out;
  }

  public byte[] toBytes() {
    int total = STYP.length;
    for (Fragment f : fragments) {
      total += f.byteSize(); // range checked in the constructor
    }
    BoxWriter w = new BoxWriter(total);
    w.bytes(STYP);
    for (Fragment f : fragments) {
      f.writeInto(w);
    }
    return w.toByteArray();
  }

  public void writeTo(OutputStream out) throws IOException {
    out.write(STYP);
    for (Fragment f : fragments) {
      f.writeTo(out);
    }
  }

  private static byte[] buildStyp() {
    BoxWriter w = new BoxWriter(32);
    int styp = w.begin("styp");
    w.fourcc("cmfs"); // CMAF segment brand
    w.u32(0);
    w.fourcc("cmfs");
    w.fourcc("msdh");
    w.end(styp);
    return w.toByteArray();
  }
}
