package io.reelay.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.reelay.hls.HlsParser;
import io.reelay.hls.HlsWriter;
import io.reelay.hls.MediaPlaylist;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LivePlaylistsTest {
  @Test
  @DisplayName("parts are listed only within three target durations of the playlist's end")
  void oldPartsAreDropped() {
    List<LiveState.PartEntry> fourParts =
        Collections.nCopies(4, new LiveState.PartEntry(0.5, false));
    List<LiveState.SegmentEntry> segments = new ArrayList<>();
    for (long msn = 10; msn <= 15; msn++) { // six 2 s segments, then 1 s of parts in progress
      segments.add(new LiveState.SegmentEntry(msn, (msn - 10) * 2.0, 2.0, 0L, false, 0, fourParts));
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
            1,
            1,
            0,
            16,
            segments,
            fourParts.subList(0, 2));
    LiveState state = new LiveState("s1", 0L, 2.0, 0.5, false, 0, Map.of(LiveState.VIDEO, video));

    MediaPlaylist p =
        HlsParser.parseMedia(
            HlsWriter.DEFAULT.write(LivePlaylists.media(state, LiveState.VIDEO, false)));

    // 6 s = 3 target durations: the 1 s in progress, segments 15 and 14 whole, 13 ends 5 s and
    // 12 ends 7 s from the end: segments 13..15 keep their parts, 10..12 lose them
    List<Integer> partsPerSegment = p.segments().stream().map(s -> s.parts().size()).toList();
    assertEquals(List.of(0, 0, 0, 4, 4, 4), partsPerSegment);
    assertEquals(2, p.trailingParts().size());
  }
}
