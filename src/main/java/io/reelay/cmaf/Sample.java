package io.reelay.cmaf;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * One access unit, in track timescale units.
 *
 * @param decodeTime decode timestamp (DTS), non-negative
 * @param duration ticks until the next sample's decode time, non-negative
 * @param compositionOffset PTS minus DTS; may be negative (written with trun version 1)
 * @param sync true for random access points (IDR frames; every AAC frame)
 * @param data H.264: AVCC length-prefixed NAL units exactly as in FLV/MP4; AAC: one raw frame
 *     without ADTS header. Copied on the way in and out.
 */
public record Sample(
    long decodeTime, int duration, int compositionOffset, boolean sync, byte[] data) {

  public Sample {
    Objects.requireNonNull(data, "data");
    if (decodeTime < 0) {
      throw new IllegalArgumentException("decodeTime must be >= 0: " + decodeTime);
    }
    if (duration < 0) {
      throw new IllegalArgumentException("duration must be >= 0: " + duration);
    }
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /** Payload size in bytes. */
  public int size() {
    return data.length;
  }

  public long presentationTime() {
    return decodeTime + compositionOffset;
  }

  public long endDecodeTime() {
    return decodeTime + duration;
  }

  /** Writes the payload without the defensive copy {@link #data()} makes. */
  public void writeDataTo(OutputStream out) throws IOException {
    out.write(data);
  }

  /** Package-private zero-copy access for the box writers. */
  byte[] dataRef() {
    return data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sample s
        && decodeTime == s.decodeTime
        && duration == s.duration
        && compositionOffset == s.compositionOffset
        && sync == s.sync
        && Arrays.equals(data, s.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(decodeTime, duration, compositionOffset, sync) + 31 * Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return String.format(
        "Sample[dts=%d dur=%d cto=%d%s %dB]",
        decodeTime, duration, compositionOffset, sync ? " sync" : "", data.length);
  }
}
