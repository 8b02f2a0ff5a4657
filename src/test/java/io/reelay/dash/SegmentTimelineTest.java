package io.reelay.dash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.dash.SegmentTimeline.Entry;
import io.reelay.dash.SegmentTimeline.TimedSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SegmentTimelineTest {

  @Test
  void compressesEqualContiguousSegmentsIntoRepeats() {
    List<TimedSegment> segs =
        List.of(
            new TimedSegment(0, 90_000),
            new TimedSegment(90_000, 90_000),
            new TimedSegment(180_000, 90_000),
            new TimedSegment(270_000, 45_000));
    SegmentTimeline tl = SegmentTimeline.of(segs);
    assertEquals(List.of(new Entry(0L, 90_000, 2), new Entry(null, 45_000, 0)), tl.entries());
    assertEquals(segs, tl.expand());
    assertEquals(4, tl.segmentCount());
  }

  @Test
  void writesTimeAfterAGap() {
    List<TimedSegment> segs =
        List.of(
            new TimedSegment(1000, 10),
            new TimedSegment(1010, 10),
            new TimedSegment(1050, 10), // gap of 30 ticks: needs an explicit t
            new TimedSegment(1060, 10));
    SegmentTimeline tl = SegmentTimeline.of(segs);
    assertEquals(List.of(new Entry(1000L, 10, 1), new Entry(1050L, 10, 1)), tl.entries());
    assertEquals(segs, tl.expand());
  }

  @Test
  void emptyTimeline() {
    assertEquals(List.of(), SegmentTimeline.of(List.of()).entries());
    assertEquals(List.of(), SegmentTimeline.of(List.of()).expand());
  }

  @Test
  void randomTimelinesRoundTripExactly() {
    Random rnd = new Random(42);
    for (int run = 0; run < 200; run++) {
      List<TimedSegment> segs = new ArrayList<>();
      long t = rnd.nextInt(1_000_000);
      int n = rnd.nextInt(60);
      for (int i = 0; i < n; i++) {
        long d = rnd.nextInt(4) == 0 ? 48_000 + rnd.nextInt(3) * 1024 : 96_000;
        segs.add(new TimedSegment(t, d));
        t += d + (rnd.nextInt(10) == 0 ? rnd.nextInt(5_000) : 0);
      }
      SegmentTimeline tl = SegmentTimeline.of(segs);
      assertEquals(segs, tl.expand());
      assertEquals(n, tl.segmentCount());
      // Maximal compression: no two neighbouring entries could have been merged.
      for (int i = 1; i < tl.entries().size(); i++) {
        Entry prev = tl.entries().get(i - 1);
        Entry cur = tl.entries().get(i);
        assertTrue(cur.t() != null || cur.d() != prev.d(), "mergeable: " + prev + " " + cur);
      }
    }
  }

  @Test
  void rejectsBadEntries() {
    assertThrows(IllegalArgumentException.class, () -> new Entry(0L, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Entry(0L, 10, -1));
    assertThrows(
        IllegalArgumentException.class, () -> new SegmentTimeline(List.of(new Entry(null, 10, 0))));
  }
}
