package io.reelay.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.hls.HlsWriter;
import io.reelay.hls.MediaPlaylist;
import io.reelay.hls.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Rung playlists laid over the source timeline, and the master that lists them. */
class LiveRungPlaylistsTest {
  private static final long T0 = 1_700_000_000_000L;

  private static LiveState state(boolean ended) {
    List<LiveState.SegmentEntry> segs = new ArrayList<>();
    for (long msn = 10; msn <= 15; msn++) {
      double start = (msn - 10) * 2.0;
      segs.add(
          new LiveState.SegmentEntry(
              msn, start, 2.0, T0 + Math.round(start * 1000), msn == 13, 0, List.of()));
    }
    LiveState.Rendition video =
        new LiveState.Rendition(
            LiveState.VIDEO,
            true,
            "avc1.64001f",
            960,
            540,
            30.0,
            0,
            0,
            2_000_000,
            2_100_000,
            0,
            16,
            segs,
            List.of());
    LiveState.Rendition audio =
        new LiveState.Rendition(
            LiveState.AUDIO,
            false,
            "mp4a.40.2",
            0,
            0,
            0,
            48000,
            2,
            128_000,
            128_000,
            0,
            16,
            List.of(),
            List.of());
    return new LiveState(
        "s1", T0, 2.0, 0.5, ended, 0, Map.of(LiveState.VIDEO, video, LiveState.AUDIO, audio));
  }

  private static LiveRungs.RungSegment rung(long msn) {
    return new LiveRungs.RungSegment(msn, 0, 640, 360, "avc1.640015", 150_000);
  }

  @Test
  @DisplayName(
      "rung playlist: source msn, durations, PDT and discontinuities; a segment missing 3 behind "
          + "the edge is a GAP; the list ends before the first one still being encoded")
  void rungMediaPlaylist() {
    List<LiveRungs.RungSegment> done = List.of(rung(10), rung(11), rung(13), rung(15));
    MediaPlaylist p = LivePlaylists.rungMedia(state(false), "360p", done);
    List<Segment> segs = p.segments();
    assertEquals(10, p.mediaSequence());
    assertEquals(
        List.of("seg-00010.m4s", "seg-00011.m4s", "seg-00012.m4s", "seg-00013.m4s"),
        segs.stream().map(Segment::uri).toList());
    assertEquals(List.of(false, false, true, false), segs.stream().map(Segment::gap).toList());
    assertTrue(segs.get(3).discontinuity());
    assertEquals(T0 + 2000, segs.get(1).programDateTime().toEpochMilli());
    assertFalse(HlsWriter.DEFAULT.write(p).contains("#EXT-X-PART"));
    assertFalse(p.endList());

    // Once the stream has ended nothing more will come: every missing one is a gap.
    MediaPlaylist ended = LivePlaylists.rungMedia(state(true), "360p", done);
    assertEquals(6, ended.segments().size());
    assertEquals(2, ended.segments().stream().filter(Segment::gap).count());
    assertTrue(ended.endList());

    assertNull(LivePlaylists.rungMedia(state(false), "360p", List.of()));
  }

  @Test
  @DisplayName("master: source first, then each rung with its attributes; dropped rungs are gone")
  void masterListsRungs() {
    Map<String, List<LiveRungs.RungSegment>> rungs = new java.util.LinkedHashMap<>();
    rungs.put("480p", List.of(new LiveRungs.RungSegment(14, 0, 854, 480, "avc1.64001e", 300_000)));
    rungs.put("360p", List.of(rung(14), rung(15)));
    String text =
        HlsWriter.DEFAULT.write(
            LivePlaylists.master(state(false), new LiveRungs.View(rungs, Set.of())));
    assertTrue(text.indexOf("source/index.m3u8") < text.indexOf("480p/index.m3u8"), text);
    assertTrue(text.contains("RESOLUTION=640x360"), text);
    assertTrue(text.contains("CODECS=\"avc1.640015,mp4a.40.2\""), text);
    // 150 000 bytes per 2 s segment = 600 kb/s, plus the audio.
    assertTrue(text.contains("AVERAGE-BANDWIDTH=728000"), text);
    assertTrue(text.contains("BANDWIDTH=728000"), text);
    assertEquals(3, text.split("FRAME-RATE=30").length - 1, text);
    String dropped =
        HlsWriter.DEFAULT.write(
            LivePlaylists.master(state(false), new LiveRungs.View(rungs, Set.of("480p"))));
    assertFalse(dropped.contains("480p/index.m3u8"), dropped);
    assertTrue(dropped.contains("360p/index.m3u8"), dropped);
  }
}
