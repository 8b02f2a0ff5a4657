package io.reelay.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which media a delivery process reads ahead when a stream's window state changes. */
class NewMediaTest {
  private static List<LiveState.PartEntry> parts(int n) {
    return Collections.nCopies(n, new LiveState.PartEntry(0.4, false));
  }

  /** A video rendition with whole segments {@code first..last} of 5 parts and {@code pending}. */
  private static LiveState window(int init, long first, long last, int pending) {
    List<LiveState.SegmentEntry> segments = new ArrayList<>();
    for (long msn = first; msn <= last; msn++) {
      segments.add(new LiveState.SegmentEntry(msn, msn * 2.0, 2.0, 0L, false, init, parts(5)));
    }
    var video =
        new LiveState.Rendition(
            "source",
            true,
            "avc1",
            1280,
            720,
            30,
            0,
            0,
            1,
            1,
            init,
            last + 1,
            segments,
            parts(pending));
    return new LiveState("s", 0L, 2.0, 0.4, false, 0, Map.of("source", video));
  }

  private static String part(long msn, int part) {
    return LiveKeys.part("s", "source", msn, part);
  }

  @Test
  @DisplayName("a new part of the segment in progress")
  void newPart() {
    assertEquals(List.of(part(8, 2)), NewMedia.keys(window(0, 3, 7, 2), window(0, 3, 7, 3)));
  }

  @Test
  @DisplayName("a finished segment, the parts of it not listed before, and the next one's parts")
  void finishedSegment() {
    assertEquals(
        List.of(LiveKeys.segment("s", "source", 8), part(8, 4), part(9, 0)),
        NewMedia.keys(window(0, 3, 7, 4), window(0, 4, 8, 1)));
  }

  @Test
  @DisplayName("a new init segment after a reconnect; nothing on a first read or no change")
  void initAndNothing() {
    assertEquals(
        List.of(LiveKeys.init("s", "source", 1)),
        NewMedia.keys(window(0, 3, 7, 2), window(1, 3, 7, 2)));
    assertEquals(List.of(), NewMedia.keys(null, window(0, 3, 7, 2)));
    assertEquals(List.of(), NewMedia.keys(window(0, 3, 7, 2), window(0, 3, 7, 2)));
  }
}
