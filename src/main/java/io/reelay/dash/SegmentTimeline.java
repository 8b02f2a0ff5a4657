package io.reelay.dash;

import java.util.ArrayList;
import java.util.List;

/**
 * SegmentTimeline: run-length compressed list of segment start times and durations in the
 * template's timescale. {@code t} is written only where the timeline is not contiguous.
 */
public record SegmentTimeline(List<Entry> entries) {

  /** One {@code <S t d r>}: {@code r + 1} segments of duration {@code d} from {@code t}. */
  public record Entry(Long t, long d, int r) {
    public Entry {
      if (d <= 0 || r < 0 || (t != null && t < 0)) {
        throw new IllegalArgumentException("bad S element t=" + t + " d=" + d + " r=" + r);
      }
    }
  }

  /** One segment, expanded. */
  public record TimedSegment(long time, long duration) {}

  public SegmentTimeline {
    entries = List.copyOf(entries);
    if (!entries.isEmpty() && entries.get(0).t() == null) {
      // Absent t on the first S means 0, which is easy to misread; we always write it.
      throw new IllegalArgumentException("first S element needs t");
    }
  }

  /** Compresses a list of segments (in presentation order) into S elements. */
  public static SegmentTimeline of(List<TimedSegment> segments) {
    List<Entry> out = new ArrayList<>();
    long expectedNext = -1;
    Long t = null;
    long d = 0;
    int r = -1;
    for (TimedSegment s : segments) {
      boolean contiguous = s.time() == expectedNext;
      if (r >= 0 && contiguous && s.duration() == d) {
        r++;
      } else {
        if (r >= 0) {
          out.add(new Entry(t, d, r));
        }
        t = contiguous ? null : s.time();
        d = s.duration();
        r = 0;
      }
      expectedNext = s.time() + s.duration();
    }
    if (r >= 0) {
      out.add(new Entry(t, d, r));
    }
    return new SegmentTimeline(out);
  }

  /** Expands back to one entry per segment. */
  public List<TimedSegment> expand() {
    List<TimedSegment> out = new ArrayList<>();
    long next = 0;
    for (Entry e : entries) {
      long time = e.t() != null ? e.t() : next;
      for (int i = 0; i <= e.r(); i++) {
        out.add(new TimedSegment(time, e.d()));
        time += e.d();
      }
      next = time;
    }
    return out;
  }

  /** Number of segments described. */
  public int segmentCount() {
    int n = 0;
    for (Entry e : entries) {
      n += e.r() + 1;
    }
    return n;
  }
}
